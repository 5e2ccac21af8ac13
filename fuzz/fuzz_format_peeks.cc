// The format sniffers, every header peek on any bytes (PeekDimensions is public and takes
// the format from its caller), and the data checks on the bytes their format sniffs.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decode/image_formats.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mammocad;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const ImageFormatInfo* sniffed = SniffFormatInfo(bytes);
  if (sniffed != nullptr && !sniffed->sniff(bytes)) std::abort();
  for (const ImageFormatInfo& row : ImageFormats()) {
    int width = 0, height = 0;
    const Status peeked = row.peek(bytes, &width, &height);
    if (peeked.ok() && (width <= 0 || height <= 0)) std::abort();
    if (!peeked.ok() && peeked.message().empty()) std::abort();
    if (PeekDimensions(bytes, row.format, &width, &height) != peeked.ok()) std::abort();
    if (row.check_data != nullptr && row.sniff(bytes)) {
      const Status checked = row.check_data(bytes);
      if (!checked.ok() && checked.message().empty()) std::abort();
    }
  }
  return 0;
}

// DecodeImage as the server calls it, with small limits: any bytes give an image that keeps
// its contract or a clean error.
#include <cstdint>
#include <string_view>

#include "fuzz_limits.h"
#include "mammocad/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mammocad;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Image image;
  const Status status = DecodeImage(bytes, fuzz::SmallLimits(), &image);
  fuzz::CheckOutcome(status, image);
  return 0;
}

// The DICOM reader on any bytes: the sniffer, the header peek, and DecodeDicom (the bounded
// scan, the inflation of deflated datasets, DCMTK's parse and the pixel decoders).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_limits.h"
#include "mammocad/dicom.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mammocad;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)LooksLikeDicom(bytes);
  int width = 0, height = 0;
  if (PeekDicomDimensions(bytes, &width, &height) && (width < 0 || height < 0)) std::abort();
  Image image;
  const Status status = DecodeDicom(bytes, fuzz::SmallLimits(), &image);
  fuzz::CheckOutcome(status, image);
  return 0;
}

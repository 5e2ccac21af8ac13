// The DICOM reader on any bytes: the sniffer, the header peek, DecodeDicom (the bounded
// scan, the inflation of deflated datasets, DCMTK's parse and the pixel decoders), and the
// DICOMDIR reader (`mammocad batch`), whose paths must never leave the DICOMDIR's folder.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

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
  (void)IsDicomdir(bytes);
  std::vector<std::string> references;
  if (ReadDicomdirReferences(bytes, fuzz::SmallLimits(), &references).ok()) {
    for (const std::string& path : references) {
      const bool leaves = ("/" + path + "/").find("/../") != std::string::npos;
      if (path.empty() || path.front() == '/' || leaves) std::abort();
    }
  }
  return 0;
}

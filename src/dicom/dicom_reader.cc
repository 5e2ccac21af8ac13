// PLACEHOLDER until the DICOM module lands (issue 3): recognises DICOM, refuses to decode it.
#include "mammocad/dicom.h"

namespace mammocad {

bool LooksLikeDicom(std::string_view bytes) {
  return bytes.size() >= 132 && bytes.substr(128, 4) == "DICM";
}

Status DecodeDicom(std::string_view, const DecodeLimits&, Image*) {
  return Status(ErrorCode::kUnsupportedFormat, "DICOM input is not supported yet");
}

}  // namespace mammocad

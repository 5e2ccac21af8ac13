#include "mammocad/decode.h"
namespace mammocad {
ImageFormat SniffFormat(std::string_view) { return ImageFormat::kUnknown; }
bool PeekDimensions(std::string_view, ImageFormat, int*, int*) { return false; }
Status DecodeImage(std::string_view, const DecodeLimits&, Image*) { return Status(ErrorCode::kUnsupportedFormat, "todo"); }
}

#include "mammocad/image.h"

namespace mammocad {

std::string_view SpacingSourceName(SpacingSource source) {
  switch (source) {
    case SpacingSource::kImagerPixelSpacing: return "imager_pixel_spacing";
    case SpacingSource::kPixelSpacing: return "pixel_spacing";
    case SpacingSource::kRequest: return "request";
    case SpacingSource::kServerDefault: return "server_default";
    case SpacingSource::kDefault: return "default";
  }
  return "default";
}

bool IsGuessedSpacing(SpacingSource source) { return source == SpacingSource::kDefault; }

}  // namespace mammocad

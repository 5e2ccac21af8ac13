// PLACEHOLDER until the detector lands: resolves spacing, finds nothing.
#include "mammocad/detector.h"

namespace mammocad {

Detector::Detector(DetectorParams params) : params_(params) {}

double ResolveSpacing(const Image& image, const DetectOptions& options, const DetectorParams& p,
                      SpacingSource* source) {
  if (options.spacing_override_mm > 0) { *source = SpacingSource::kRequest; return options.spacing_override_mm; }
  if (image.file_spacing_mm > 0) { *source = image.file_spacing_source; return image.file_spacing_mm; }
  *source = SpacingSource::kDefault;
  return p.assumed_field_of_view_mm / std::max(image.pixels.cols, image.pixels.rows);
}

Status Detector::Detect(const Image& image, const DetectOptions& options,
                        DetectionResult* result) const {
  *result = DetectionResult();
  result->spacing_mm = ResolveSpacing(image, options, params_, &result->spacing_source);
  return Status::Ok();
}

}  // namespace mammocad

// The detector's breast mask on an image's own pixel grid, for evaluation (findings outside
// the breast) and for inserting simulated clusters into real films.
#ifndef MAMMOCAD_DETECTOR_BREAST_REGION_H_
#define MAMMOCAD_DETECTOR_BREAST_REGION_H_

#include <opencv2/core.hpp>

#include "mammocad/detector_params.h"
#include "mammocad/image.h"

namespace mammocad {

// 255 inside the breast mask the detector computes with `params` (with mask_margin_mm = 0:
// where the breast is at all), 0 elsewhere; same size as image.pixels. May throw
// cv::Exception.
cv::Mat1b BreastRegionOnInputGrid(const Image& image, double spacing_mm,
                                  const DetectorParams& params);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_BREAST_REGION_H_

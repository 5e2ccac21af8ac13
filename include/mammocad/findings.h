// Findings: what a detection task reports about one image, in the pixel grid of the input.
// Plain values shared by the detector, the renderer and the replies (a future task, such as
// masses, reports the same kinds of boxes and scores).
#ifndef MAMMOCAD_FINDINGS_H_
#define MAMMOCAD_FINDINGS_H_

#include <opencv2/core.hpp>
#include <vector>

namespace mammocad {

struct Calcification {
  cv::Rect box;            // pixel grid of the input image
  cv::Point2f centre;      // pixels
  double score = 0.0;      // [0, 1]
  double diameter_mm = 0.0;
  double contrast = 0.0;   // peak noise-normalised response (in noise sigmas)
};

enum class FindingKind { kCluster, kCalcification };

struct Finding {
  FindingKind kind = FindingKind::kCluster;
  double score = 0.0;                      // [0, 1]
  cv::Rect box;                            // pixel grid of the input image
  std::vector<Calcification> members;      // clusters only; highest score first
};

}  // namespace mammocad

#endif  // MAMMOCAD_FINDINGS_H_

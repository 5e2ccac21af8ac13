// mini-MIAS ground truth and the hit rule used to score cluster findings against it; shared by
// the development-set test and the evaluation tool.
#ifndef MAMMOCAD_MIAS_H_
#define MAMMOCAD_MIAS_H_

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/detector.h"
#include "mammocad/status.h"

namespace mammocad {

// The side of every mini-MIAS image, in pixels; annotation y counts up from the bottom edge.
inline constexpr int kMiasImageSize = 1024;
// mini-MIAS pixels are 200 micrometres.
inline constexpr double kMiasSpacingMm = 0.2;

struct MiasAnnotation {
  std::string id;               // "mdb209"
  char tissue = '?';            // F, G or D
  std::string abnormality;      // CALC, CIRC, SPIC, MISC, ARCH, ASYM, NORM
  char severity = ' ';          // B, M, or ' ' for normal images
  bool has_location = false;    // false: normal, or spread through the whole image
  cv::Point2f centre;           // pixel grid, row counted from the TOP
  float radius = 0.0f;          // pixels

  bool IsCalcificationCluster() const { return abnormality == "CALC" && has_location; }
};

// Parses one row of annotations.txt. Fails with kBadParameter on a malformed row.
Status ParseMiasAnnotation(std::string_view line, MiasAnnotation* annotation);

// Reads annotations.txt (one row per line, blank lines skipped). kIoError if unreadable.
Status ReadMiasAnnotations(const std::string& path, std::vector<MiasAnnotation>* annotations);

// A found cluster hits an annotated one when its box centre lies inside the annotated circle
// or its box holds the annotated centre.
bool MiasHit(const Finding& finding, const MiasAnnotation& annotation);

// One finding of an evaluation run: its score and which lesion it hits (-1: false positive).
struct ScoredFinding {
  double score = 0.0;
  int lesion = -1;
};

struct OperatingPoint {
  double threshold = 0.0;       // findings scoring >= threshold are kept
  double sensitivity = 0.0;     // lesions hit by a kept finding / lesions
  double fp_per_image = 0.0;    // kept findings hitting no lesion / images
};

// The operating point at `threshold`.
OperatingPoint EvaluateAt(const std::vector<ScoredFinding>& findings, int lesions, int images,
                          double threshold);

// The most sensitive operating point whose FP/image does not exceed `max_fp_per_image`
// (thresholds tried: every finding score, and 1 + epsilon for "keep nothing").
OperatingPoint BestAtFpRate(const std::vector<ScoredFinding>& findings, int lesions, int images,
                            double max_fp_per_image);

}  // namespace mammocad

#endif  // MAMMOCAD_MIAS_H_

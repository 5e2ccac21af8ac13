// The mini-MIAS annotation table (annotations.txt): its rows as values. Turning them into
// lesions (TruthFromMias) and the hit rule live in eval/ground_truth.h.
#ifndef MAMMOCAD_MIAS_H_
#define MAMMOCAD_MIAS_H_

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

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

}  // namespace mammocad

#endif  // MAMMOCAD_MIAS_H_

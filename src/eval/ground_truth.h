// Ground truth for evaluation: lesions as circles in an image's pixel grid (row counted from
// the TOP), per image, from the MIAS annotation table or a simple CSV
// (docs/detection-quality.md describes both), and the one hit rule that matches findings to
// them (evaluation, training labels and tests all use it).
//
// Hit rule: a finding hits a lesion when the centre of the finding's box lies inside the
// lesion's circle, or the box holds the lesion's centre. A finding hitting several lesions is
// credited to the nearest one; lesions hit by several findings count once.
//
// Thread-safety: pure functions on values.
#ifndef MAMMOCAD_EVAL_GROUND_TRUTH_H_
#define MAMMOCAD_EVAL_GROUND_TRUTH_H_

#include <map>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "eval/mias.h"
#include "mammocad/status.h"

namespace mammocad {

struct TruthLesion {
  cv::Point2f centre;  // pixels, row from the top
  float radius = 0.0f; // pixels
};

// Lesions per image name. The key is the image file's stem ("mdb209" for mdb209.pgm).
using GroundTruth = std::map<std::string, std::vector<TruthLesion>>;

// MIAS rows: every image listed gets an entry (normal ones an empty list); calcification
// circles (CALC with a location) become lesions, other abnormalities are ignored.
GroundTruth TruthFromMias(const std::vector<MiasAnnotation>& rows);

// CSV: optional header "image,x,y,radius", then one row per lesion; `image` is a file name or
// stem, x/y/radius in pixels with y counted from the TOP. Blank lines and lines starting with
// '#' are skipped. Errors: kIoError (unreadable), kBadParameter (malformed row, with its line
// number).
Status ReadCsvTruth(const std::string& path, GroundTruth* truth);
Status ParseCsvTruth(const std::string& text, GroundTruth* truth);

// The name an image's lesions are filed under: its file's stem ("mdb209" for dir/mdb209.pgm).
std::string ImageKey(const std::string& path);

// The centre of a finding's box, as the hit rule measures it.
cv::Point2f BoxCentre(const cv::Rect& box);

// The hit rule above for one finding box and one lesion.
bool HitsLesion(const cv::Rect& box, const TruthLesion& lesion);

// Index into `lesions` of the lesion `box` hits (the nearest if several), or -1.
int MatchLesion(const cv::Rect& box, const std::vector<TruthLesion>& lesions);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_GROUND_TRUTH_H_

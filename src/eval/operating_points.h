// The named operating points a department chooses from (README, "Operating points"),
// measured on one evaluation's cluster FROC curve: `mammocad eval --operating-points` prints
// them for a scorer's table (src/detector/scorers.cc) or model file, and the eval_data test
// re-measures the shipped ones on the mini-MIAS dev split.
//
// Thread-safety: pure functions on values.
#ifndef MAMMOCAD_EVAL_OPERATING_POINTS_H_
#define MAMMOCAD_EVAL_OPERATING_POINTS_H_

#include <string>
#include <vector>

#include "eval/froc.h"
#include "mammocad/candidate_scorer.h"

namespace mammocad {

// A point to measure: its name and the false-positive clusters per image it may cost.
struct OperatingPointTarget {
  std::string name;
  double max_fp_per_image = 0.0;
};

// high_specificity (0.25 FP/image), balanced (0.5), high_sensitivity (1), most specific first.
const std::vector<OperatingPointTarget>& OperatingPointTargets();

struct MeasuredOperatingPoint {
  OperatingPointTarget target;
  OperatingPoint curve_point;  // PointAtFpRate(curve, budget): its threshold is the lowest score kept
  NamedOperatingPoint named;   // what a scorer's table or model file holds
};

// Each target's point on `curve` (PointAtFpRate: the most sensitive point within its budget),
// named, with its sensitivity, FP/image and `measured_on`. Its min_score keeps exactly that
// point's findings of this run; it is not the lowest kept score itself but the shortest
// decimal in the middle half of the gap between that score and the next lower one (0 below
// the last), so that scores drifting by rounding do not cross it.
std::vector<MeasuredOperatingPoint> MeasureOperatingPoints(const FrocCurve& curve,
                                                           const std::string& measured_on);

// The shortest decimal (at most 9 places; else the midpoint) in [lower + gap/4, upper - gap/4],
// gap = upper - lower > 0; exact as a decimal (k / 10^places).
double ThresholdBetween(double lower, double upper);

// What `measured_on` says of a run on a folder: "<folder name>, <images> images".
std::string MeasuredOnFolder(const std::string& dir, int images);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_OPERATING_POINTS_H_

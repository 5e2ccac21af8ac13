#include "eval/operating_points.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace mammocad {

const std::vector<OperatingPointTarget>& OperatingPointTargets() {
  static const std::vector<OperatingPointTarget> targets = {
      {"high_specificity", 0.25}, {"balanced", 0.5}, {"high_sensitivity", 1.0}};
  return targets;
}

double ThresholdBetween(double lower, double upper) {
  const double gap = upper - lower;
  const double low = lower + gap / 4, high = upper - gap / 4;
  double scale = 1;
  for (int places = 1; places <= 9; ++places) {
    scale *= 10;
    // k / 10^places is the double nearest that decimal, so it prints and pastes as written.
    const double value = std::ceil(low * scale) / scale;
    if (value <= high) return value;
  }
  return (lower + upper) / 2;
}

std::vector<MeasuredOperatingPoint> MeasureOperatingPoints(const FrocCurve& curve,
                                                           const std::string& measured_on) {
  std::vector<MeasuredOperatingPoint> points;
  for (const OperatingPointTarget& target : OperatingPointTargets()) {
    const OperatingPoint p = PointAtFpRate(curve, target.max_fp_per_image);
    // The next lower finding score is the threshold of the curve's next point (one point per
    // distinct score, descending).
    double next_lower = 0.0;
    for (size_t i = 0; i + 1 < curve.points.size(); ++i) {
      if (curve.points[i].threshold == p.threshold) next_lower = curve.points[i + 1].threshold;
    }
    NamedOperatingPoint named;
    named.name = target.name;
    // At most 1: above every score (the keep-nothing point) is still a valid min_score.
    named.min_score = std::min(1.0, ThresholdBetween(next_lower, p.threshold));
    named.sensitivity = p.sensitivity;
    named.fp_per_image = p.fp_per_image;
    named.measured_on = measured_on;
    points.push_back({target, p, std::move(named)});
  }
  return points;
}

std::string MeasuredOnFolder(const std::string& dir, int images) {
  std::filesystem::path path = std::filesystem::path(dir).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();  // "dir/"
  return path.filename().string() + ", " + std::to_string(images) + " images";
}

}  // namespace mammocad

#include "eval/operating_points.h"

#include <gtest/gtest.h>

#include <set>

namespace mammocad {
namespace {

// 3 lesions over 4 images. By descending score: lesion 0 (0.92), FP (0.85), lesion 1 (0.61),
// FP (0.55), FP (0.40), lesion 2 (0.33), FP (0.10).
std::vector<ScoredFinding> HandMadeFindings() {
  return {{0.55, -1}, {0.92, 0}, {0.10, -1}, {0.61, 1}, {0.85, -1}, {0.33, 2}, {0.40, -1}};
}

std::vector<NamedOperatingPoint> Named(const std::vector<MeasuredOperatingPoint>& measured) {
  std::vector<NamedOperatingPoint> named;
  for (const MeasuredOperatingPoint& m : measured) named.push_back(m.named);
  return named;
}

// Sensitivity and FP/image of the findings scoring >= min_score, counted from scratch.
OperatingPoint Kept(const std::vector<ScoredFinding>& findings, double min_score, int lesions,
                    int images) {
  std::set<int> hit;
  int fp = 0;
  for (const ScoredFinding& f : findings) {
    if (f.score < min_score) continue;
    if (f.lesion >= 0) hit.insert(f.lesion); else ++fp;
  }
  return {min_score, static_cast<double>(hit.size()) / lesions, static_cast<double>(fp) / images};
}

TEST(OperatingPoints, NamedPointsOfAHandMadeCurve) {
  const std::vector<ScoredFinding> f = HandMadeFindings();
  const std::vector<NamedOperatingPoint> points =
      Named(MeasureOperatingPoints(ComputeFroc(f, 3, 4), "hand-made, 4 images"));
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].name, "high_specificity");
  EXPECT_EQ(points[1].name, "balanced");
  EXPECT_EQ(points[2].name, "high_sensitivity");
  // <= 0.25 FP/image: lesions 0 and 1 with one FP, cut between 0.61 and 0.55.
  EXPECT_EQ(points[0].min_score, 0.57);
  EXPECT_DOUBLE_EQ(points[0].sensitivity, 2 / 3.0);
  EXPECT_DOUBLE_EQ(points[0].fp_per_image, 0.25);
  // <= 0.5 FP/image gains no lesion: the same point (fewest false positives).
  EXPECT_EQ(points[1].min_score, 0.57);
  EXPECT_DOUBLE_EQ(points[1].fp_per_image, 0.25);
  // <= 1 FP/image: every lesion at 0.75 FP/image, cut between 0.33 and 0.10.
  EXPECT_EQ(points[2].min_score, 0.2);
  EXPECT_DOUBLE_EQ(points[2].sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(points[2].fp_per_image, 0.75);
  for (const NamedOperatingPoint& p : points) {
    EXPECT_EQ(p.measured_on, "hand-made, 4 images");
    // The threshold keeps exactly the point's findings.
    const OperatingPoint kept = Kept(f, p.min_score, 3, 4);
    EXPECT_DOUBLE_EQ(kept.sensitivity, p.sensitivity) << p.name;
    EXPECT_DOUBLE_EQ(kept.fp_per_image, p.fp_per_image) << p.name;
  }
}

TEST(OperatingPoints, KeepNothingAndKeepEverything) {
  // The two best findings are false positives at 0.25 FP/image each; the lesion comes last.
  const std::vector<ScoredFinding> f = {{0.9, -1}, {0.8, -1}, {0.5, 0}};
  const std::vector<MeasuredOperatingPoint> measured =
      MeasureOperatingPoints(ComputeFroc(f, 1, 4), "x");
  const std::vector<NamedOperatingPoint> points = Named(measured);
  EXPECT_GT(measured[0].curve_point.threshold, 1.0);  // the curve's keep-nothing point
  EXPECT_EQ(measured[2].curve_point.threshold, 0.5);   // its last one
  EXPECT_EQ(measured[1].curve_point.threshold, 0.5);
  EXPECT_EQ(measured[2].target.max_fp_per_image, 1.0);
  // No lesion within 0.25 FP/image: nothing kept, the cut above the best score.
  EXPECT_EQ(points[0].min_score, 0.93);
  EXPECT_EQ(points[0].sensitivity, 0.0);
  EXPECT_EQ(points[0].fp_per_image, 0.0);
  // Within 0.5 (and 1) FP/image: everything, the cut in the middle half below the lowest score.
  EXPECT_EQ(points[1].min_score, 0.2);
  EXPECT_EQ(points[2].min_score, 0.2);
  EXPECT_DOUBLE_EQ(points[2].sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(points[2].fp_per_image, 0.5);
  // A run without findings keeps nothing at any budget.
  for (const NamedOperatingPoint& p : Named(MeasureOperatingPoints(ComputeFroc({}, 2, 3), "x"))) {
    EXPECT_LE(p.min_score, 1.0);
    EXPECT_EQ(p.sensitivity, 0.0);
  }
}

TEST(OperatingPoints, ThresholdIsTheShortestDecimalInTheMiddleOfTheGap) {
  EXPECT_EQ(ThresholdBetween(0.55, 0.61), 0.57);
  EXPECT_EQ(ThresholdBetween(0.0, 1.0), 0.3);
  EXPECT_EQ(ThresholdBetween(0.035668, 0.042221), 0.04);
  const double fine = ThresholdBetween(0.123456, 0.1234561);
  EXPECT_GT(fine, 0.123456 + 0.25e-7);
  EXPECT_LT(fine, 0.1234561 - 0.25e-7);
  EXPECT_DOUBLE_EQ(ThresholdBetween(0.5, 0.5 + 1e-12), 0.5 + 0.5e-12);  // beyond 9 places: midpoint
}

TEST(OperatingPoints, MeasuredOnNamesTheFolder) {
  EXPECT_EQ(MeasuredOnFolder("/data/mini-mias-dev/", 162), "mini-mias-dev, 162 images");
  EXPECT_EQ(MeasuredOnFolder("../data/./mini-mias-dev", 5), "mini-mias-dev, 5 images");
  EXPECT_EQ(MeasuredOnFolder("/data/mini-mias-dev/.", 5), "mini-mias-dev, 5 images");
}

}  // namespace
}  // namespace mammocad

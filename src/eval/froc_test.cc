#include "eval/froc.h"

#include <gtest/gtest.h>

#include <set>

namespace mammocad {
namespace {

// 3 lesions over 4 images. By descending score: lesion 0 (0.9), FP (0.8), lesion 0 again
// (0.7: no gain, no FP), FP (0.6), lesion 1 (0.5), FP and FP tied at 0.4. Lesion 2 never found.
std::vector<ScoredFinding> HandMadeFindings() {
  return {{0.4, -1}, {0.9, 0}, {0.6, -1}, {0.7, 0}, {0.8, -1}, {0.5, 1}, {0.4, -1}};
}

TEST(Froc, PointsFollowTheThresholdDownwards) {
  const FrocCurve curve = ComputeFroc(HandMadeFindings(), 3, 4);
  ASSERT_EQ(curve.points.size(), 7u);  // "keep nothing" + 6 distinct scores
  EXPECT_DOUBLE_EQ(curve.points[0].sensitivity, 0.0);
  EXPECT_DOUBLE_EQ(curve.points[0].fp_per_image, 0.0);
  const double expected_fp[] = {0, 0, 0.25, 0.25, 0.5, 0.5, 1.0};
  const double expected_sens[] = {0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 2 / 3.0};
  const double expected_threshold[] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
  for (size_t i = 0; i < curve.points.size(); ++i) {
    EXPECT_DOUBLE_EQ(curve.points[i].fp_per_image, expected_fp[i]) << i;
    EXPECT_DOUBLE_EQ(curve.points[i].sensitivity, expected_sens[i]) << i;
    if (i > 0) {
      EXPECT_DOUBLE_EQ(curve.points[i].threshold, expected_threshold[i - 1]) << i;
    }
  }
}

TEST(Froc, SensitivityAtAFalsePositiveBudget) {
  const FrocCurve curve = ComputeFroc(HandMadeFindings(), 3, 4);
  EXPECT_DOUBLE_EQ(PointAtFpRate(curve, 0.0).sensitivity, 1 / 3.0);
  EXPECT_DOUBLE_EQ(PointAtFpRate(curve, 0.0).threshold, 0.9);
  EXPECT_DOUBLE_EQ(PointAtFpRate(curve, 0.25).sensitivity, 1 / 3.0);
  // The first point reaching 2/3 has 0.5 FP/image: threshold 0.5, not the tied 0.4 pair.
  const OperatingPoint half = PointAtFpRate(curve, 0.5);
  EXPECT_DOUBLE_EQ(half.sensitivity, 2 / 3.0);
  EXPECT_DOUBLE_EQ(half.fp_per_image, 0.5);
  EXPECT_DOUBLE_EQ(half.threshold, 0.5);
  // Beyond the end of the curve the last point holds; nothing is extrapolated.
  EXPECT_DOUBLE_EQ(PointAtFpRate(curve, 2.0).sensitivity, 2 / 3.0);
  EXPECT_DOUBLE_EQ(PointAtFpRate(curve, -1.0).sensitivity, 0.0);
}

// A brute-force check: every threshold tried, the most sensitive point within the budget.
TEST(Froc, AgreesWithAnExhaustiveThresholdSearch) {
  const std::vector<ScoredFinding> f = HandMadeFindings();
  const FrocCurve curve = ComputeFroc(f, 3, 4);
  for (double rate : {0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 2.0}) {
    double best_sensitivity = 0, best_fp = 0;
    for (const ScoredFinding& t : f) {
      std::set<int> hit;
      int fp = 0;
      for (const ScoredFinding& g : f) {
        if (g.score < t.score) continue;
        if (g.lesion >= 0) hit.insert(g.lesion); else ++fp;
      }
      const double sensitivity = hit.size() / 3.0, fp_per_image = fp / 4.0;
      if (fp_per_image > rate) continue;
      if (sensitivity > best_sensitivity ||
          (sensitivity == best_sensitivity && fp_per_image < best_fp)) {
        best_sensitivity = sensitivity;
        best_fp = fp_per_image;
      }
    }
    const OperatingPoint a = PointAtFpRate(curve, rate);
    EXPECT_DOUBLE_EQ(a.sensitivity, best_sensitivity) << rate;
    EXPECT_DOUBLE_EQ(a.fp_per_image, best_fp) << rate;
  }
}

TEST(Froc, OperatingPointsOfAKnownList) {
  // 2 lesions, 4 images; scores: lesion 0 at 0.9, FP at 0.8 and 0.7, lesion 1 at 0.3, FP 0.2.
  const std::vector<ScoredFinding> f = {{0.9, 0}, {0.8, -1}, {0.7, -1}, {0.3, 1}, {0.2, -1}};
  const FrocCurve curve = ComputeFroc(f, 2, 4);
  const OperatingPoint all = curve.points.back();
  EXPECT_DOUBLE_EQ(all.sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(all.fp_per_image, 0.75);
  const OperatingPoint strict = PointAtFpRate(curve, 0.25);
  EXPECT_DOUBLE_EQ(strict.sensitivity, 0.5);
  EXPECT_DOUBLE_EQ(strict.threshold, 0.9);   // of equally sensitive points, the fewest FPs
  EXPECT_DOUBLE_EQ(strict.fp_per_image, 0.0);
  const OperatingPoint loose = PointAtFpRate(curve, 0.5);
  EXPECT_DOUBLE_EQ(loose.sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(loose.threshold, 0.3);
  EXPECT_DOUBLE_EQ(loose.fp_per_image, 0.5);
  const OperatingPoint none = PointAtFpRate(curve, -1.0);  // impossible: keep nothing
  EXPECT_DOUBLE_EQ(none.sensitivity, 0.0);
}

TEST(Froc, EmptyInputs) {
  const FrocCurve none = ComputeFroc({}, 0, 0);
  ASSERT_EQ(none.points.size(), 1u);
  EXPECT_DOUBLE_EQ(PointAtFpRate(none, 1.0).sensitivity, 0.0);
  const FrocCurve only_fp = ComputeFroc({{0.5, -1}}, 2, 2);
  EXPECT_DOUBLE_EQ(only_fp.points.back().fp_per_image, 0.5);
  EXPECT_DOUBLE_EQ(only_fp.points.back().sensitivity, 0.0);
}

TEST(Froc, CsvHasOneRowPerPoint) {
  const FrocCurve curve = ComputeFroc(HandMadeFindings(), 3, 4);
  const std::string csv = FrocCsv(curve);
  EXPECT_EQ(csv.rfind("threshold,fp_per_image,sensitivity\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 7);
  EXPECT_NE(csv.find("0.500000,0.500000,0.666667\n"), std::string::npos);
}

TEST(Froc, SvgHasAxesLegendAndMarkedPoints) {
  const FrocCurve curve = ComputeFroc(HandMadeFindings(), 3, 4);
  const std::string svg = FrocSvg({{"clusters <test>", curve}}, "FROC & co");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("false-positive findings per image"), std::string::npos);
  EXPECT_NE(svg.find("sensitivity"), std::string::npos);
  EXPECT_NE(svg.find("clusters &lt;test&gt;"), std::string::npos);  // escaped
  EXPECT_NE(svg.find("FROC &amp; co"), std::string::npos);
  size_t markers = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) {
    ++markers;
  }
  EXPECT_EQ(markers, ReportedFpRates().size());
  EXPECT_NE(svg.find("0.667 at 0.5 FP/image"), std::string::npos);
}

}  // namespace
}  // namespace mammocad

#include "eval/froc.h"

#include <gtest/gtest.h>

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

TEST(Froc, AgreesWithBestAtFpRate) {
  const std::vector<ScoredFinding> f = HandMadeFindings();
  const FrocCurve curve = ComputeFroc(f, 3, 4);
  for (double rate : {0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 2.0}) {
    const OperatingPoint a = PointAtFpRate(curve, rate), b = BestAtFpRate(f, 3, 4, rate);
    EXPECT_DOUBLE_EQ(a.sensitivity, b.sensitivity) << rate;
    EXPECT_DOUBLE_EQ(a.fp_per_image, b.fp_per_image) << rate;
  }
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

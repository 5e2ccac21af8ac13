// The hand-made scorer's operating points (their values are re-measured on the mini-MIAS dev
// split by the eval_data test ShippedOperatingPoints.MatchTheDevSplit).
#include <gtest/gtest.h>

#include "mammocad/candidate_scorer.h"

namespace mammocad {
namespace {

TEST(HandmadeOperatingPoints, ThreeNamedPointsMostSpecificFirst) {
  const std::vector<NamedOperatingPoint>& points = HandmadeScorer()->OperatingPoints();
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].name, "high_specificity");
  EXPECT_EQ(points[1].name, "balanced");
  EXPECT_EQ(points[2].name, "high_sensitivity");
  const double budget[] = {0.25, 0.5, 1.0};
  for (size_t i = 0; i < points.size(); ++i) {
    const NamedOperatingPoint& p = points[i];
    EXPECT_GT(p.min_score, 0.0) << p.name;
    EXPECT_LE(p.min_score, 1.0) << p.name;
    EXPECT_GT(p.sensitivity, 0.0) << p.name;
    EXPECT_LE(p.fp_per_image, budget[i]) << p.name;
    EXPECT_NE(p.measured_on.find("162"), std::string::npos) << p.name;
    if (i == 0) continue;
    // A lower threshold keeps more: never fewer lesions nor fewer false marks.
    EXPECT_LE(p.min_score, points[i - 1].min_score) << p.name;
    EXPECT_GE(p.sensitivity, points[i - 1].sensitivity) << p.name;
    EXPECT_GE(p.fp_per_image, points[i - 1].fp_per_image) << p.name;
  }
}

}  // namespace
}  // namespace mammocad

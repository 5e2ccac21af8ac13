#include "eval/candidate_stage.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

SyntheticSource EasyImages() {
  return [](int i, SyntheticMammogram* out) {
    SyntheticOptions o;  // 1024 x 1024 at 0.1 mm, two clusters of 4-8 clear spots
    o.seed = static_cast<std::uint64_t>(i) + 1;
    *out = MakeSyntheticMammogram(o);
    return Status::Ok();
  };
}

TEST(CandidateStage, KeepsClearClustersAndLosesThemBehindAnImpossibleThreshold) {
  CandidateStageReport report;
  ASSERT_TRUE(MeasureCandidateStage(Detector(), 4, EasyImages(), 2, 3, 0.25, &report).ok());
  EXPECT_EQ(report.images, 4);
  EXPECT_EQ(report.clusters, 8);
  EXPECT_GE(report.clusters_kept, 7);
  EXPECT_GT(report.members_found, report.members / 2);
  EXPECT_GT(report.candidates, 4 * 4);
  DetectorParams blind;
  blind.candidate_threshold_sigma = 50;  // nothing is that bright
  ASSERT_TRUE(MeasureCandidateStage(Detector(blind), 4, EasyImages(), 2, 3, 0.25, &report).ok());
  EXPECT_EQ(report.clusters, 8);
  EXPECT_EQ(report.clusters_kept, 0);
  EXPECT_EQ(report.members_found, 0);
  EXPECT_EQ(report.candidates, 0);
}

}  // namespace
}  // namespace mammocad

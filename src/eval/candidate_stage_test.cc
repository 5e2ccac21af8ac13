#include "eval/candidate_stage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>

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
  ASSERT_TRUE(MeasureCandidateStage(Detector(), 4, EasyImages(), 2, 3, 0.25, false, &report).ok());
  EXPECT_EQ(report.images, 4);
  EXPECT_EQ(report.clusters, 8);
  EXPECT_GE(report.clusters_kept, 7);
  EXPECT_GT(report.members_found, report.members / 2);
  EXPECT_GT(report.candidates, 4 * 4);
  DetectorParams blind;
  blind.candidate_threshold_sigma = 50;  // nothing is that bright
  ASSERT_TRUE(MeasureCandidateStage(Detector(blind), 4, EasyImages(), 2, 3, 0.25, false, &report).ok());
  EXPECT_EQ(report.clusters, 8);
  EXPECT_EQ(report.clusters_kept, 0);
  EXPECT_EQ(report.members_found, 0);
  EXPECT_EQ(report.candidates, 0);
  EXPECT_EQ(report.visible_clusters_kept, 0);
  EXPECT_EQ(report.visible_members_found, 0);
  // Every cluster lost, and described: where, how many members, and (asked) a picture.
  ASSERT_EQ(report.lost.size(), 8u);
  for (const LostCluster& lost : report.lost) {
    EXPECT_GE(lost.spots, 4);
    EXPECT_EQ(lost.found, 0);
    EXPECT_GT(lost.median_diameter_mm, 0.0);
    EXPECT_TRUE(lost.crop.empty()) << "no picture unless asked";
  }
}

TEST(CandidateStage, VisibleMembersAreCountedApartAndLostClustersDrawn) {
  CandidateStageReport report;
  ASSERT_TRUE(MeasureCandidateStage(Detector(), 4, EasyImages(), 2, 3, 0.25, false, &report).ok());
  // Most of the easy images' spots can be seen, and what can be seen is found.
  EXPECT_GE(report.visible_members, report.members / 2);
  EXPECT_LT(report.visible_members, report.members);
  EXPECT_GE(report.visible_members_found, report.visible_members * 9 / 10);
  EXPECT_GE(report.visible_clusters, 4);
  EXPECT_GE(report.visible_clusters_kept, report.visible_clusters - 1);
  int missed = 0;
  for (int count : report.visible_missed_by_morphology) missed += count;
  EXPECT_EQ(missed, report.visible_members - report.visible_members_found);
  DetectorParams blind;
  blind.candidate_threshold_sigma = 50;
  ASSERT_TRUE(
      MeasureCandidateStage(Detector(blind), 2, EasyImages(), 2, 3, 0.25, true, &report).ok());
  ASSERT_EQ(report.lost.size(), 4u);
  for (const LostCluster& lost : report.lost) {
    EXPECT_EQ(lost.crop.type(), CV_8UC3);
    EXPECT_GE(lost.crop.cols, 100);
  }
  const std::string dir = ::testing::TempDir() + "/lost-clusters";
  std::vector<std::string> written;
  ASSERT_TRUE(WriteLostClusterPictures(report, dir, &written).ok());
  EXPECT_EQ(written.size(), 4u);
  for (const std::string& name : written) EXPECT_TRUE(std::filesystem::exists(name)) << name;
}

TEST(CandidateStage, SpotVisibilityFollowsContrastOverNoise) {
  Image image;
  image.pixels = cv::Mat(200, 200, CV_16UC1);
  cv::RNG rng(7);
  rng.fill(image.pixels, cv::RNG::NORMAL, 30000, 300);
  image.file_spacing_mm = 0.1;
  SyntheticSpot clear, faint, absent;
  clear.centre = {50, 50};
  faint.centre = {150, 50};
  absent.centre = {100, 150};
  clear.diameter_mm = faint.diameter_mm = absent.diameter_mm = 0.4;
  cv::circle(image.pixels, cv::Point(50, 50), 2, cv::Scalar(33000), cv::FILLED);   // 10 sd
  cv::circle(image.pixels, cv::Point(150, 50), 2, cv::Scalar(30150), cv::FILLED);  // 0.5 sd
  EXPECT_GT(SpotVisibility(image, clear), 3 * kVisibleSpotSnr);
  const double faint_snr = SpotVisibility(image, faint);
  EXPECT_LT(faint_snr, SpotVisibility(image, clear) / 5);
  EXPECT_LT(std::abs(SpotVisibility(image, absent)), kVisibleSpotSnr);
}

}  // namespace
}  // namespace mammocad

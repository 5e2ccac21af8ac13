#include "detector/cluster_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "detector/stages.h"

namespace mammocad {
namespace {

Calcification At(float x, float y, double diameter_mm) {
  Calcification c;
  c.centre = {x, y};
  c.box = cv::Rect(static_cast<int>(x) - 1, static_cast<int>(y) - 1, 3, 3);
  c.diameter_mm = diameter_mm;
  return c;
}

TEST(ClusterEvidenceTest, ShapeOfTheMembers) {
  // Five members on a line 10 px apart at 0.1 mm: linear, spread sqrt(2) mm.
  std::vector<Calcification> line;
  for (int i = 0; i < 5; ++i) line.push_back(At(100.f + 10 * i, 50.f, 0.3));
  const ClusterEvidence on_line = detail::DescribeCluster(line, 0.1);
  EXPECT_EQ(on_line.members, 5);
  EXPECT_NEAR(on_line.linearity, 1.0, 1e-9);
  EXPECT_NEAR(on_line.spread_mm, std::sqrt(2.0), 1e-9);
  EXPECT_NEAR(on_line.mean_diameter_mm, 0.3, 1e-12);
  EXPECT_NEAR(on_line.size_variety, 0.0, 1e-9);
  // Four at the corners of a square: round; sizes 0.2 and 0.6 vary by half their mean.
  const std::vector<Calcification> square = {At(0, 0, 0.2), At(10, 0, 0.6), At(0, 10, 0.2),
                                             At(10, 10, 0.6)};
  const ClusterEvidence round = detail::DescribeCluster(square, 0.1);
  EXPECT_NEAR(round.linearity, 0.0, 1e-9);
  EXPECT_NEAR(round.size_variety, 0.5, 1e-9);
}

TEST(ClusterModelTest, AppliesStandardisedWeightsAndRoundTripsThroughYaml) {
  const size_t n = ClusterFeatureNames().size();
  ClusterModel model;
  model.mean.assign(n, 0.0);
  model.scale.assign(n, 1.0);
  model.weights.assign(n, 0.0);
  model.weights[0] = 1.0;  // the member logit alone: the member-based score itself
  ClusterEvidence e;
  e.member_based_score = 0.3;
  e.members = 4;
  EXPECT_NEAR(model.Apply(e), 0.3, 1e-6);
  model.weights[6] = 0.5;  // nearer the skin: lower
  model.mean[6] = 10.0;
  e.skin_distance_mm = 2.0;
  const double near_skin = model.Apply(e);
  e.skin_distance_mm = 15.0;
  EXPECT_LT(near_skin, model.Apply(e));
  // A film strewn with candidates: lower, with a negative weight on their density.
  model.weights[7] = -1.0;
  model.mean[7] = std::log1p(2.0);
  e.image_candidates_per_cm2 = 2.0;
  const double usual = model.Apply(e);
  e.image_candidates_per_cm2 = 20.0;
  EXPECT_LT(model.Apply(e), usual);
  model.bias = -0.25;

  const std::string yaml = "%YAML:1.0\n" + ClusterModelYaml(model);
  cv::FileStorage fs(yaml, cv::FileStorage::READ | cv::FileStorage::MEMORY);
  ClusterModel read;
  ASSERT_TRUE(ReadClusterModel(fs["cluster_model"], "m.yml", &read).ok());
  EXPECT_EQ(read.weights, model.weights);
  EXPECT_EQ(read.mean, model.mean);
  EXPECT_DOUBLE_EQ(read.bias, -0.25);
  EXPECT_DOUBLE_EQ(read.Apply(e), model.Apply(e));
  ClusterModel none;
  ASSERT_TRUE(ReadClusterModel(fs["absent"], "m.yml", &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST(ClusterModelTest, RefusesOtherFeaturesAndBadScales) {
  const auto read = [](const std::string& body) {
    cv::FileStorage fs("%YAML:1.0\ncluster_model:\n" + body,
                       cv::FileStorage::READ | cv::FileStorage::MEMORY);
    ClusterModel model;
    return ReadClusterModel(fs["cluster_model"], "m.yml", &model);
  };
  const std::string ok_features =
      "  features: [member_logit, log_members, spread_mm, linearity, size_variety, "
      "mean_diameter_mm, skin_distance_mm, log_image_candidates_per_cm2]\n";
  const std::string numbers = "[0, 0, 0, 0, 0, 0, 0, 0]";
  const std::string ones = "[1, 1, 1, 1, 1, 1, 1, 1]";
  EXPECT_TRUE(read(ok_features + "  mean: " + numbers + "\n  scale: " + ones + "\n  weights: " +
                   numbers + "\n  bias: 0\n").ok());
  const Status other = read("  features: [member_logit]\n  mean: [0]\n  scale: [1]\n"
                            "  weights: [1]\n  bias: 0\n");
  EXPECT_EQ(other.code(), ErrorCode::kBadParameter);
  EXPECT_NE(other.message().find("m.yml"), std::string::npos);
  EXPECT_EQ(read(ok_features + "  mean: " + numbers + "\n  scale: " + numbers +
                 "\n  weights: " + numbers + "\n  bias: 0\n").code(),
            ErrorCode::kBadParameter);
  EXPECT_EQ(read(ok_features + "  mean: " + numbers + "\n  scale: " + ones + "\n  weights: " +
                 numbers + "\n").code(),
            ErrorCode::kBadParameter);
}

}  // namespace
}  // namespace mammocad

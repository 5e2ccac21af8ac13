#include "eval/logistic_fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace mammocad {
namespace {

// Labels drawn from a known logistic model of two features (a third is noise): the fit finds
// the weights' signs and relative sizes, and ignores a constant feature.
TEST(FitLogistic, RecoversAKnownModel) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  for (int i = 0; i < 4000; ++i) {
    const double a = normal(rng), b = 3.0 + 2.0 * normal(rng), noise = normal(rng);
    const double z = 2.0 * a - 1.0 * (b - 3.0) / 2.0 + 0.5;
    y.push_back(uniform(rng) < 1.0 / (1.0 + std::exp(-z)));
    x.push_back({a, b, noise, 7.0});
  }
  const ClusterModel m = FitLogistic(x, y, 1e-3);
  ASSERT_EQ(m.weights.size(), 4u);
  EXPECT_NEAR(m.weights[0], 2.0, 0.25);   // per standard deviation, which is 1 for a
  EXPECT_NEAR(m.weights[1], -1.0, 0.2);   // b's standard deviation is 2
  EXPECT_NEAR(m.weights[2], 0.0, 0.15);
  EXPECT_DOUBLE_EQ(m.weights[3], 0.0);
  EXPECT_DOUBLE_EQ(m.scale[3], 1.0);
  EXPECT_NEAR(m.mean[1], 3.0, 0.15);
  EXPECT_NEAR(m.bias, 0.5, 0.2);
}

TEST(FitLogistic, SeparableClassesStayFiniteAndEmptyInputGivesNoModel) {
  std::vector<std::vector<double>> x = {{0.0}, {1.0}, {2.0}, {3.0}};
  const ClusterModel m = FitLogistic(x, {0, 0, 1, 1}, 1.0);
  ASSERT_EQ(m.weights.size(), 1u);
  EXPECT_TRUE(std::isfinite(m.weights[0]));
  EXPECT_GT(m.weights[0], 0.5);
  EXPECT_TRUE(FitLogistic({}, {}).empty());
}

}  // namespace
}  // namespace mammocad

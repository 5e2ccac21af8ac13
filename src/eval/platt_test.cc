#include "eval/platt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace mammocad {
namespace {

TEST(Platt, RecoversAKnownSigmoid) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> raw(-1.0, 2.0), unit(0.0, 1.0);
  const PlattCalibration truth{3.0, -2.0};
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 20000; ++i) {
    x.push_back(raw(rng));
    y.push_back(unit(rng) < truth.Apply(x.back()) ? 1 : 0);
  }
  const PlattCalibration fit = FitPlatt(x, y);
  EXPECT_NEAR(fit.a, truth.a, 0.2);
  EXPECT_NEAR(fit.b, truth.b, 0.15);
}

TEST(Platt, SeparableClassesStayFinite) {
  const PlattCalibration fit = FitPlatt({0.0, 0.1, 0.9, 1.0}, {0, 0, 1, 1});
  EXPECT_TRUE(std::isfinite(fit.a) && std::isfinite(fit.b));
  EXPECT_LT(fit.Apply(0.0), 0.5);
  EXPECT_GT(fit.Apply(1.0), 0.5);
}

// Cluster logits span ±20 (scores clamped at 1e-9): a plain Newton step diverged here (the
// calc-v3 training gave a = 6.6e9). The fit must stay moderate and rank like the input.
TEST(Platt, WideRangeOfRawValuesConverges) {
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 150; ++i) {
    x.push_back(-20.7);  // many certain negatives
    y.push_back(0);
  }
  for (int i = 0; i < 20; ++i) {
    x.push_back(-3.0 + 0.3 * i);  // an overlap region
    y.push_back(i % 3 == 0 ? 1 : 0);
  }
  for (int i = 0; i < 140; ++i) {
    x.push_back(2.0 + 0.13 * i);  // positives up to +20
    y.push_back(1);
  }
  const PlattCalibration fit = FitPlatt(x, y);
  ASSERT_TRUE(std::isfinite(fit.a) && std::isfinite(fit.b));
  EXPECT_GT(fit.a, 0);
  EXPECT_LT(fit.a, 20);
  EXPECT_LT(fit.Apply(-20.7), 0.05);
  EXPECT_GT(fit.Apply(10.0), 0.95);
  EXPECT_GT(fit.Apply(0.0), fit.Apply(-1.0));  // strictly monotone, not a step
  EXPECT_LT(fit.Apply(0.0), fit.Apply(1.0));
}

}  // namespace
}  // namespace mammocad

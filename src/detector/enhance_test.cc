#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

constexpr double kSpacing = 0.1;

cv::Mat1f Noise(cv::Size size, double mean, double sigma, uint64 seed) {
  cv::Mat1f image(size);
  cv::RNG rng(seed);
  rng.fill(image, cv::RNG::NORMAL, mean, sigma);
  return image;
}

// Mean and standard deviation away from the borders.
cv::Scalar Stats(const cv::Mat1f& m, cv::Scalar* stddev) {
  cv::Scalar mean;
  cv::meanStdDev(m(cv::Rect(50, 50, m.cols - 100, m.rows - 100)), mean, *stddev);
  return mean;
}

TEST(Enhance, SpotSigmasSpanTheCalcificationSizes) {
  const DetectorParams p;
  const std::vector<double> sigmas = SpotSigmasPx(kSpacing, p);
  ASSERT_EQ(sigmas.size(), 3u);
  EXPECT_DOUBLE_EQ(sigmas.front(), p.min_filter_sigma_px);  // 0.1 mm is 1 px: floored
  EXPECT_NEAR(sigmas.back(), 1.0 / kSpacing / (2 * std::sqrt(2.0)), 1e-9);
  EXPECT_TRUE(std::is_sorted(sigmas.begin(), sigmas.end()));
}

TEST(Enhance, IsStandardNormalOnFlatNoise) {
  const cv::Mat1f image = Noise({512, 512}, 0.5, 0.01, 7);
  for (double sigma : SpotSigmasPx(kSpacing, DetectorParams())) {
    cv::Scalar stddev;
    const cv::Scalar mean =
        Stats(EnhanceAtScale(image, sigma, kSpacing, DetectorParams()), &stddev);
    EXPECT_NEAR(mean[0], 0.0, 0.05) << "sigma " << sigma;
    EXPECT_NEAR(stddev[0], 1.0, 0.1) << "sigma " << sigma;
  }
}

TEST(Enhance, NormalisesSignalDependentNoise) {
  // Left half four times noisier than the right (bright vs dark tissue): both come out ~N(0,1).
  cv::Mat1f image = Noise({512, 512}, 0.3, 0.005, 3);
  Noise({256, 512}, 0.8, 0.02, 4).copyTo(image(cv::Rect(0, 0, 256, 512)));
  const cv::Mat1f out = EnhanceAtScale(image, 1.0, kSpacing, DetectorParams());
  cv::Scalar mean, stddev;
  cv::meanStdDev(out(cv::Rect(40, 40, 150, 400)), mean, stddev);
  EXPECT_NEAR(stddev[0], 1.0, 0.1);
  cv::meanStdDev(out(cv::Rect(320, 40, 150, 400)), mean, stddev);
  EXPECT_NEAR(stddev[0], 1.0, 0.1);
}

TEST(Enhance, PeaksAtAnInsertedSpot) {
  cv::Mat1f image = Noise({300, 300}, 0.5, 0.01, 11);
  cv::circle(image, cv::Point(140, 170), 2, cv::Scalar(0.56), -1);  // 0.5 mm spot, 6 sigma
  const cv::Mat1f out = EnhanceSpots(image, kSpacing, DetectorParams());
  double max_value;
  cv::Point max_at;
  cv::minMaxLoc(out, nullptr, &max_value, nullptr, &max_at);
  EXPECT_LE(cv::norm(max_at - cv::Point(140, 170)), 1.5);
  EXPECT_GT(max_value, 8.0);
  // Away from the spot, pure noise rarely reaches the candidate threshold (maximum of three
  // ~N(0,1) scales: a few pixels of 90000 at most).
  cv::Mat1b above = out > DetectorParams().candidate_threshold_sigma;
  cv::circle(above, cv::Point(140, 170), 15, cv::Scalar(0), -1);
  EXPECT_LE(cv::countNonZero(above), 5);
}

TEST(Enhance, SpotDoesNotInflateItsOwnNoiseEstimate) {
  cv::Mat1f image = Noise({200, 200}, 0.5, 0.01, 5);
  const cv::Mat1f before = LocalNoiseSigma(image - 0.5, kSpacing, DetectorParams());
  cv::circle(image, cv::Point(100, 100), 3, cv::Scalar(0.7), -1);  // 20-sigma spot
  const cv::Mat1f after = LocalNoiseSigma(image - 0.5, kSpacing, DetectorParams());
  EXPECT_LT(after(100, 100), before(100, 100) * 1.2);
}

TEST(Enhance, AlignedCropWithSupportGivesTheSameValues) {
  // The detector enhances only the breast's box plus the support; that must change nothing.
  for (double spacing : {0.1, 0.2}) {
    const DetectorParams p;
    cv::Mat1f image = Noise({700, 600}, 0.4, 0.01, 21);
    cv::GaussianBlur(image, image, cv::Size(), 3.0);  // some structure at several scales
    image += Noise({700, 600}, 0.0, 0.01, 22);
    const int grid = EnhancementGridPx(spacing, p), support = EnhancementSupportPx(spacing, p);
    const cv::Rect inner(200, 250, 150, 200);
    const int x0 = (inner.x - support) / grid * grid, y0 = (inner.y - support) / grid * grid;
    const cv::Rect crop(cv::Point(x0, y0), inner.br() + cv::Point(support, support));
    const cv::Mat1f whole = EnhanceSpots(image, spacing, p);
    const cv::Mat1f part = EnhanceSpots(image(crop), spacing, p);
    const cv::Rect inner_in_crop = inner - crop.tl();
    EXPECT_LT(cv::norm(whole(inner), part(inner_in_crop), cv::NORM_INF), 0.01) << spacing;
  }
}

TEST(Enhance, StripsGiveTheWholeImagesValues) {
  for (double spacing : {0.1, 0.2}) {
    const DetectorParams p;
    cv::Mat1f image = Noise({500, 900}, 0.4, 0.01, 23);
    cv::GaussianBlur(image, image, cv::Size(), 3.0);
    image += Noise({500, 900}, 0.0, 0.01, 24);
    const cv::Mat1f whole = EnhanceSpots(image, spacing, p);
    for (int strips : {2, 3}) {
      const cv::Mat1f parts = EnhanceSpotsInStrips(image, spacing, p, strips, 2);
      EXPECT_LT(cv::norm(whole, parts, cv::NORM_INF), 1e-3) << spacing << " " << strips;
    }
  }
}

}  // namespace
}  // namespace mammocad::detail

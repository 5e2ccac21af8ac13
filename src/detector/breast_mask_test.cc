#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

constexpr double kSpacing = 0.2;  // mm; a 1000x800 image is 20 x 16 cm

// A mini-MIAS-like film: black background, a breast (half-ellipse with a dense core) against
// the left side, and a bright film label at the top right, well away from the breast.
cv::Mat1f FilmWithLabel() {
  cv::Mat1f image(1000, 800, 0.02f);
  cv::ellipse(image, cv::Point(0, 500), cv::Size(450, 380), 0, -90, 90, cv::Scalar(0.35), -1);
  cv::ellipse(image, cv::Point(0, 500), cv::Size(250, 200), 0, -90, 90, cv::Scalar(0.7), -1);
  cv::rectangle(image, cv::Rect(650, 40, 100, 60), cv::Scalar(1.0), -1);
  cv::Mat1f noise(image.size());
  cv::randn(noise, 0, 0.01);
  return image + noise;
}

TEST(BreastMask, KeepsTheBreastDropsBackgroundAndLabel) {
  const cv::Mat1b mask = ComputeBreastMask(FilmWithLabel(), kSpacing, DetectorParams());
  ASSERT_EQ(mask.size(), cv::Size(800, 1000));
  EXPECT_EQ(mask(500, 100), 255);   // dense core
  EXPECT_EQ(mask(500, 380), 255);   // fatty periphery, 7 mm inside the skin line
  EXPECT_EQ(mask(200, 200), 255);
  EXPECT_EQ(mask(70, 700), 0);      // label
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(600, 0, 200, 150))), 0);
  EXPECT_EQ(mask(500, 600), 0);     // background
  EXPECT_EQ(mask(950, 700), 0);
}

TEST(BreastMask, ErodesAMarginFromTheSkinLine) {
  const DetectorParams p;
  const cv::Mat1b mask = ComputeBreastMask(FilmWithLabel(), kSpacing, p);
  const int margin_px = static_cast<int>(p.mask_margin_mm / kSpacing);
  EXPECT_EQ(mask(500, 450 - margin_px / 2), 0);      // inside the skin line, within the margin
  EXPECT_EQ(mask(500, 450 - 3 * margin_px), 255);
  EXPECT_EQ(mask(500, 0), 0);                        // the image border is kept clear too
}

TEST(BreastMask, FillsDarkHolesInsideTheBreast) {
  cv::Mat1f image = FilmWithLabel();
  cv::circle(image, cv::Point(200, 500), 30, cv::Scalar(0.02), -1);  // dark fat lobule
  const cv::Mat1b mask = ComputeBreastMask(image, kSpacing, DetectorParams());
  EXPECT_EQ(mask(500, 200), 255);
}

TEST(BreastMask, BlankImageGivesNoBreast) {
  const cv::Mat1f blank(600, 600, 0.0f);
  EXPECT_EQ(cv::countNonZero(ComputeBreastMask(blank, kSpacing, DetectorParams())), 0);
}

TEST(BreastMask, DistancesToTheOutlineInMillimetres) {
  // A mask inset 30 px (3 mm at 0.1 mm) on every side of a 400 x 300 grid, as the margin
  // leaves it; the margin (3 mm by default) is added back: the distance to the border itself.
  DetectorParams p;
  cv::Mat1b mask(300, 400, uchar{0});
  mask(cv::Rect(30, 30, 340, 240)).setTo(255);
  const std::vector<double> d = DistancesToOutlineMm(
      mask, 0.1, p, {{150.f, 150.f}, {40.f, 150.f}, {200.f, 60.f}, {10.f, 10.f}});
  ASSERT_EQ(d.size(), 4u);
  EXPECT_NEAR(d[0], 15.0, 1.0);  // 150 px from the left border, 15 mm
  EXPECT_NEAR(d[1], 4.0, 1.0);   // 10 px inside the mask: 1 mm + the 3 mm margin
  EXPECT_NEAR(d[2], 6.0, 1.0);
  EXPECT_EQ(d[3], 0.0);          // outside the mask
  EXPECT_TRUE(DistancesToOutlineMm(mask, 0.1, p, {}).empty());
}

}  // namespace
}  // namespace mammocad::detail

#include "detector/patches.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

// A flat, slightly noisy image with one blurred bright disc of `diameter_mm` at `centre_mm`.
cv::Mat1f SpotImage(double spacing_mm, cv::Point2d centre_mm, double diameter_mm, float level,
                    float contrast) {
  const int side = static_cast<int>(20.0 / spacing_mm);
  cv::Mat1f image(side, side, level);
  cv::RNG rng(5);
  cv::Mat1f noise(image.size());
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 0.002);
  image += noise;
  cv::Mat1f spot(image.size(), 0.0f);
  cv::circle(spot, cv::Point(cvRound(centre_mm.x / spacing_mm), cvRound(centre_mm.y / spacing_mm)),
             std::max(1, cvRound(diameter_mm / 2 / spacing_mm)), cv::Scalar(contrast), -1);
  cv::GaussianBlur(spot, spot, cv::Size(), 0.05 / spacing_mm + 0.4);
  return image + spot;
}

cv::Mat1f Channel(const cv::Mat& blob, int row, int channel, int size) {
  return cv::Mat1f(size, size, const_cast<float*>(blob.ptr<float>(row, channel))).clone();
}

cv::Mat PatchAt(const cv::Mat1f& image, double spacing_mm, cv::Point2d centre_mm) {
  const cv::Mat1f response = image - cv::mean(image)[0];
  const cv::Mat1b breast;
  const DetectorParams params;
  const CandidateContext context{image, response, breast, spacing_mm, params};
  Calcification c;
  c.centre = cv::Point2f(static_cast<float>(centre_mm.x / spacing_mm),
                         static_cast<float>(centre_mm.y / spacing_mm));
  return ExtractPatches(context, {c}, PatchGeometry());
}

TEST(Patches, ShapeAndTheSpotAtTheCentre) {
  const cv::Mat blob = PatchAt(SpotImage(0.1, {10, 10}, 0.6, 0.5f, 0.1f), 0.1, {10, 10});
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[0], 1);
  EXPECT_EQ(blob.size[1], 2);
  EXPECT_EQ(blob.size[2], 32);
  EXPECT_EQ(blob.size[3], 32);
  const cv::Mat1f image = Channel(blob, 0, 0, 32);
  cv::Point peak;
  cv::minMaxLoc(image, nullptr, nullptr, nullptr, &peak);
  EXPECT_NEAR(peak.x, 15.5, 1.5);
  EXPECT_NEAR(peak.y, 15.5, 1.5);
  EXPECT_GT(image(16, 16), 5.0f) << "the spot stands out in noise units";
  EXPECT_TRUE(ExtractPatches({image, image, cv::Mat1b(), 0.1, DetectorParams()}, {},
                             PatchGeometry()).empty());
}

// The same physical spot looks alike at 100 and 200 um, and on any grey scale.
TEST(Patches, SpacingAndGreyScaleDropOut) {
  const cv::Mat1f fine = Channel(PatchAt(SpotImage(0.1, {10, 10}, 0.8, 0.5f, 0.1f), 0.1, {10, 10}),
                                 0, 0, 32);
  const cv::Mat1f coarse =
      Channel(PatchAt(SpotImage(0.2, {10, 10}, 0.8, 0.5f, 0.1f), 0.2, {10, 10}), 0, 0, 32);
  const cv::Mat1f dim_image = SpotImage(0.1, {10, 10}, 0.8, 0.5f, 0.1f) * 0.25;  // 8-bit window
  const cv::Mat1f dim = Channel(PatchAt(dim_image, 0.1, {10, 10}), 0, 0, 32);
  cv::Mat1f r;
  cv::matchTemplate(fine, coarse, r, cv::TM_CCOEFF_NORMED);
  EXPECT_GT(r(0, 0), 0.8);
  cv::matchTemplate(fine, dim, r, cv::TM_CCOEFF_NORMED);
  EXPECT_GT(r(0, 0), 0.95);
  // An off-centre patch does not look like the spot's.
  const cv::Mat1f away =
      Channel(PatchAt(SpotImage(0.1, {10, 10}, 0.8, 0.5f, 0.1f), 0.1, {12, 10}), 0, 0, 32);
  cv::matchTemplate(fine, away, r, cv::TM_CCOEFF_NORMED);
  EXPECT_LT(r(0, 0), 0.5);
}

}  // namespace
}  // namespace mammocad

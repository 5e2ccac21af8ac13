#include "eval/patch_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

PatchExportOptions Small() {
  PatchExportOptions o;
  o.images = 4;
  o.spacings_mm = {0.1};
  o.max_side_px = 768;
  o.jpeg_every = 0;
  o.negatives_per_image = 20;
  o.threads = 2;
  return o;
}

// The spot's height in the image channel, on an 8-bit 200 um film-like image (grain and a
// small calcification), as it is or through JPEG quality 75 as clients save films.
float SpotHeight(bool through_jpeg, PatchNoise noise) {
  cv::Mat1f film(256, 256, 120.0f);
  cv::RNG rng(11);
  cv::Mat1f grain(film.size());
  rng.fill(grain, cv::RNG::NORMAL, 0.0, 1.5);
  film += grain;
  cv::Mat1f spot(film.size(), 0.0f);
  cv::circle(spot, {128, 128}, 1, cv::Scalar(14), -1);
  cv::GaussianBlur(spot, spot, cv::Size(), 0.6);
  film += spot;
  cv::Mat1b eight;
  film.convertTo(eight, CV_8U);
  if (through_jpeg) {
    std::vector<uchar> bytes;
    cv::imencode(".jpg", eight, bytes, {cv::IMWRITE_JPEG_QUALITY, 75});
    eight = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
  }
  cv::Mat1f image;
  eight.convertTo(image, CV_32F, 1.0 / 255);
  const DetectorParams params;
  const CandidateContext context{image, image, cv::Mat1b(), 0.2, params};
  Calcification c;
  c.centre = {128, 128};
  PatchGeometry geometry;
  geometry.noise = noise;
  const cv::Mat blob = ExtractPatches(context, {c}, geometry);
  const cv::Mat1f channel(geometry.size_px, geometry.size_px, const_cast<float*>(blob.ptr<float>(0, 0)));
  double peak = 0;
  cv::minMaxLoc(channel(cv::Rect(12, 12, 8, 8)), nullptr, &peak);
  return static_cast<float>(peak);
}

// Why band noise (calc-nn-v3): JPEG removes the finest grain, so a patch divided by the pixel
// noise shows the same calcification at a very different height; the band noise keeps it.
TEST(PatchNoise, BandNoiseKeepsASpotsHeightThroughJpeg) {
  const float pixel = SpotHeight(true, PatchNoise::kPixel) / SpotHeight(false, PatchNoise::kPixel);
  const float band = SpotHeight(true, PatchNoise::kBand) / SpotHeight(false, PatchNoise::kBand);
  std::printf("spot height through JPEG q75 / as it is: pixel noise %.2f, band noise %.2f\n",
              pixel, band);
  EXPECT_LT(std::abs(std::log(band)), std::abs(std::log(pixel)) - 0.2);
  EXPECT_NEAR(band, 1.0, 0.25);
}

TEST(PatchExport, LabelledWeightedAndDeterministic) {
  PatchSet a, b;
  ASSERT_TRUE(ExportPatches(Small(), nullptr, &a).ok());
  ASSERT_TRUE(ExportPatches(Small(), nullptr, &b).ok());
  const size_t n = a.labels.size();
  ASSERT_GT(n, 0u);
  ASSERT_EQ(a.patches.size[0], static_cast<int>(n));
  EXPECT_EQ(a.patches.size[1], 2);
  EXPECT_EQ(a.weights.size(), n);
  EXPECT_EQ(a.image_index.size(), n);
  const int positives = std::accumulate(a.labels.begin(), a.labels.end(), 0);
  EXPECT_GT(positives, 0) << "simulated calcifications become true candidates";
  EXPECT_LT(positives, static_cast<int>(n)) << "and the rest false ones";
  for (size_t i = 0; i < n; ++i) {
    if (a.labels[i]) EXPECT_FLOAT_EQ(a.weights[i], 1.0f);
    else EXPECT_GE(a.weights[i], 1.0f);  // false ones kept stand for the ones dropped
  }
  // At most negatives_per_image false candidates per image.
  for (int image = 0; image < a.images; ++image) {
    int negatives = 0;
    for (size_t i = 0; i < n; ++i) negatives += a.image_index[i] == image && !a.labels[i];
    EXPECT_LE(negatives, 20) << image;
  }
  ASSERT_EQ(b.labels, a.labels);
  EXPECT_EQ(cv::norm(a.patches.reshape(1, 1), b.patches.reshape(1, 1), cv::NORM_INF), 0.0);
}

TEST(PatchExport, JpegCopiesAddEachImageAgainThroughJpeg) {
  PatchSet plain, copies;
  ASSERT_TRUE(ExportPatches(Small(), nullptr, &plain).ok());
  PatchExportOptions o = Small();
  o.jpeg_copies = true;
  ASSERT_TRUE(ExportPatches(o, nullptr, &copies).ok());
  EXPECT_GT(copies.labels.size(), plain.labels.size() * 3 / 2);
  // The copies stay with their image (a held-out split never separates them).
  EXPECT_EQ(*std::max_element(copies.image_index.begin(), copies.image_index.end()), 3);
  // The clean patches come first, unchanged.
  int image0_plain = 0;
  for (std::int32_t i : plain.image_index) image0_plain += i == 0;
  EXPECT_EQ(std::vector<std::uint8_t>(copies.labels.begin(), copies.labels.begin() + image0_plain),
            std::vector<std::uint8_t>(plain.labels.begin(), plain.labels.begin() + image0_plain));
}

// Scale augmentation: the images are analysed at spacings off the true one, so the candidate
// stage finds other candidates (and the patches differ); deterministic for the seed.
TEST(PatchExport, SpacingJitterAnalysesAtOtherSpacings) {
  PatchSet plain, jittered, again;
  ASSERT_TRUE(ExportPatches(Small(), nullptr, &plain).ok());
  PatchExportOptions o = Small();
  o.spacing_jitter = 0.25;
  ASSERT_TRUE(ExportPatches(o, nullptr, &jittered).ok());
  ASSERT_TRUE(ExportPatches(o, nullptr, &again).ok());
  EXPECT_NE(jittered.labels.size(), plain.labels.size());
  ASSERT_EQ(jittered.labels, again.labels);
  EXPECT_EQ(cv::norm(jittered.patches.reshape(1, 1), again.patches.reshape(1, 1), cv::NORM_INF), 0.0);
  EXPECT_GT(std::count(jittered.labels.begin(), jittered.labels.end(), 1), 0);
}

}  // namespace
}  // namespace mammocad

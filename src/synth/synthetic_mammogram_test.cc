#include "synth/synthetic.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

TEST(SyntheticMammogram, DeterministicForASeed) {
  SyntheticOptions o;
  o.width = o.height = 512;
  const SyntheticMammogram a = MakeSyntheticMammogram(o), b = MakeSyntheticMammogram(o);
  EXPECT_EQ(cv::norm(a.image.pixels, b.image.pixels, cv::NORM_INF), 0.0);
  ASSERT_EQ(a.clusters.size(), b.clusters.size());
  EXPECT_EQ(a.clusters[0].centre, b.clusters[0].centre);
  o.seed = 2;
  const SyntheticMammogram c = MakeSyntheticMammogram(o);
  EXPECT_GT(cv::norm(a.image.pixels, c.image.pixels, cv::NORM_L1), 0.0);
}

TEST(SyntheticMammogram, FormatAndScale) {
  SyntheticOptions o;
  o.width = 300;
  o.height = 400;
  o.spacing_mm = 0.2;
  o.bits = 8;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  EXPECT_EQ(m.image.pixels.type(), CV_8UC1);
  EXPECT_EQ(m.image.pixels.size(), cv::Size(300, 400));
  EXPECT_EQ(m.image.bits_stored, 8);
  EXPECT_DOUBLE_EQ(m.image.file_spacing_mm, 0.2);
  o.bits = 16;
  EXPECT_EQ(MakeSyntheticMammogram(o).image.pixels.type(), CV_16UC1);
}

TEST(SyntheticMammogram, DarkBackgroundBrighterBreast) {
  SyntheticOptions o;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  const double inside = cv::mean(m.image.pixels, m.breast)[0];
  const double outside = cv::mean(m.image.pixels, ~m.breast)[0];
  EXPECT_LT(outside, 0.08 * 65535);
  EXPECT_GT(inside, 3 * outside);
  EXPECT_EQ(m.breast(o.height / 2, 0), 255);           // against the left side
  EXPECT_EQ(m.breast(o.height / 2, o.width - 1), 0);
  // Anatomy: the breast is not flat (structure well above the noise).
  cv::Scalar mean, stddev;
  cv::meanStdDev(m.image.pixels(cv::Rect(50, 400, 200, 200)), mean, stddev);
  EXPECT_GT(stddev[0], 0.02 * 65535);
}

TEST(SyntheticMammogram, ClustersOfVisibleSmallSpotsInsideTheBreast) {
  SyntheticOptions o;
  o.clusters = 3;
  o.bits = 16;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  ASSERT_EQ(m.clusters.size(), 3u);
  cv::Mat1f image;
  m.image.pixels.convertTo(image, CV_32F, 1.0 / 65535);
  double excess = 0, contrast = 0;
  int spots = 0;
  for (const SyntheticCluster& c : m.clusters) {
    EXPECT_EQ(m.breast(cv::Point(c.centre)), 255);
    EXPECT_GE(static_cast<int>(c.spots.size()), o.min_calcs_per_cluster);
    EXPECT_LE(static_cast<int>(c.spots.size()), o.max_calcs_per_cluster);
    for (const SyntheticSpot& s : c.spots) {
      EXPECT_LE(cv::norm(s.centre - c.centre), c.radius_px);
      EXPECT_TRUE(c.box.contains(cv::Point(s.centre)));
      EXPECT_GE(s.diameter_mm, o.min_spot_diameter_mm);
      EXPECT_LE(s.diameter_mm, o.max_spot_diameter_mm);
      // How far the spot stands out of its surroundings (3x3 mean vs. a ring 1.2 mm out).
      const cv::Point p(s.centre);
      const double centre = cv::mean(image(cv::Rect(p.x - 1, p.y - 1, 3, 3)))[0];
      const double ring = (image(p.y, p.x - 12) + image(p.y, p.x + 12) + image(p.y - 12, p.x) +
                           image(p.y + 12, p.x)) / 4.0;
      excess += centre - ring;
      contrast += s.contrast;
      ++spots;
    }
  }
  // Visible on average (partial volume and blur take part of the contrast, noise the rest)...
  EXPECT_GT(excess / contrast, 0.3);
  // ...but small: the mean spot is well under 1 mm.
  double diameter = 0;
  for (const SyntheticCluster& c : m.clusters)
    for (const SyntheticSpot& s : c.spots) diameter += s.diameter_mm / spots;
  EXPECT_LT(diameter, 0.6);
}

TEST(SyntheticMammogram, To8BitKeepsTheImage) {
  const SyntheticMammogram m = MakeSyntheticMammogram(SyntheticOptions());
  const Image eight = To8Bit(m.image);
  EXPECT_EQ(eight.pixels.type(), CV_8UC1);
  EXPECT_EQ(eight.bits_stored, 8);
  cv::Mat back;
  eight.pixels.convertTo(back, CV_16U, 65535.0 / 255);
  EXPECT_LT(cv::norm(back, m.image.pixels, cv::NORM_INF), 65535.0 / 255);
}

}  // namespace
}  // namespace mammocad

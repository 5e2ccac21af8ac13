// The morphological simulator through the public API: realistic options, the power-law
// background, and insertion of simulated clusters into a real (here: stand-in) image.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "synth/synthetic.h"

namespace mammocad {
namespace {

TEST(RealisticSynthetic, OptionsFollowTheSpacingAndTheSeed) {
  for (double spacing : {0.05, 0.07, 0.1, 0.2}) {
    const SyntheticOptions o = RealisticSyntheticOptions(spacing, 9, 2048);
    EXPECT_DOUBLE_EQ(o.spacing_mm, spacing);
    EXPECT_LE(std::max(o.width, o.height), 2048);
    EXPECT_TRUE(o.calcifications.has_value());
    EXPECT_GE(o.clusters, 0);
    EXPECT_LE(o.clusters, 3);
    EXPECT_GE(o.anatomy_power_exponent, 2.7);
    EXPECT_LE(o.anatomy_power_exponent, 3.3);
  }
  EXPECT_EQ(RealisticSyntheticOptions(0.2, 9).height, 1200);  // 240 mm field at 0.2 mm
  const SyntheticOptions a = RealisticSyntheticOptions(0.1, 1), b = RealisticSyntheticOptions(0.1, 1);
  EXPECT_EQ(a.clusters, b.clusters);
  EXPECT_DOUBLE_EQ(a.anatomy_power_exponent, b.anatomy_power_exponent);
}

TEST(RealisticSynthetic, DeterministicImagesAndClusters) {
  SyntheticOptions o = RealisticSyntheticOptions(0.1, 4, 768);
  o.clusters = 2;
  const SyntheticMammogram a = MakeSyntheticMammogram(o), b = MakeSyntheticMammogram(o);
  EXPECT_EQ(cv::norm(a.image.pixels, b.image.pixels, cv::NORM_INF), 0.0);
  ASSERT_EQ(a.clusters.size(), 2u);
  ASSERT_EQ(a.clusters[1].spots.size(), b.clusters[1].spots.size());
  for (size_t i = 0; i < a.clusters[1].spots.size(); ++i) {
    EXPECT_EQ(a.clusters[1].spots[i].centre, b.clusters[1].spots[i].centre);
    EXPECT_EQ(a.clusters[1].spots[i].morphology, b.clusters[1].spots[i].morphology);
  }
  for (const SyntheticCluster& c : a.clusters) {
    EXPECT_EQ(a.breast(cv::Point(c.centre)), 255);
    EXPECT_GE(c.spots.size(), 3u);
    EXPECT_LE(c.spots.size(), 30u);
  }
  o.seed = 5;
  EXPECT_GT(cv::norm(a.image.pixels, MakeSyntheticMammogram(o).image.pixels, cv::NORM_L1), 0.0);
}

// Share of the background's variance above `cutoff` cycles/pixel: smaller for a steeper
// spectrum.
double HighFrequencyShare(double exponent) {
  SyntheticOptions o;
  o.width = o.height = 512;
  o.clusters = 0;
  o.ducts = 0;
  o.noise_sigma = 0;
  o.anatomy_power_exponent = exponent;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  cv::Mat1f tissue;
  m.image.pixels(cv::Rect(20, 156, 200, 200)).convertTo(tissue, CV_32F);
  cv::Mat1f smooth;
  cv::GaussianBlur(tissue, smooth, cv::Size(), 4);
  cv::Scalar m1, total, m2, high;
  cv::meanStdDev(tissue, m1, total);
  cv::meanStdDev(tissue - smooth, m2, high);
  return high[0] / total[0];
}

TEST(RealisticSynthetic, PowerLawExponentShapesTheBackground) {
  EXPECT_GT(HighFrequencyShare(2.0), 1.3 * HighFrequencyShare(3.0));
  EXPECT_GT(HighFrequencyShare(3.0), 1.3 * HighFrequencyShare(4.0));
}

// A stand-in for a normal mini-MIAS film: smooth grey breast on black, 8-bit, 0.2 mm.
Image FakeFilm(cv::Mat1b* breast) {
  cv::Mat1b pixels(600, 500, uchar(10));
  *breast = cv::Mat1b::zeros(pixels.size());
  cv::ellipse(pixels, cv::Point(0, 300), cv::Size(400, 280), 0, -90, 90, cv::Scalar(120), -1);
  cv::ellipse(*breast, cv::Point(0, 300), cv::Size(380, 260), 0, -90, 90, cv::Scalar(255), -1);
  Image image;
  image.pixels = pixels;
  image.bits_stored = 8;
  image.format = "pnm";
  return image;
}

TEST(InsertSimulatedClusters, ClustersInsideTheRegionOnlyChangeTheirSurroundings) {
  cv::Mat1b region;
  const Image film = FakeFilm(&region);
  SyntheticOptions o;
  o.spacing_mm = 0.2;
  o.clusters = 2;
  o.seed = 17;
  o.calcifications = CalcificationModel();
  SyntheticMammogram m;
  ASSERT_TRUE(InsertSimulatedClusters(film, region, o, &m).ok());
  ASSERT_EQ(m.clusters.size(), 2u);
  EXPECT_EQ(m.image.pixels.type(), CV_8UC1);
  EXPECT_DOUBLE_EQ(m.image.file_spacing_mm, 0.2);
  cv::Mat1b near_spots = cv::Mat1b::zeros(region.size());
  for (const SyntheticCluster& c : m.clusters) {
    for (const SyntheticSpot& s : c.spots) {
      EXPECT_EQ(region(cv::Point(s.centre)), 255);
      cv::circle(near_spots, cv::Point(s.centre), 6, cv::Scalar(255), -1);
    }
  }
  cv::Mat diff;
  cv::absdiff(m.image.pixels, film.pixels, diff);
  EXPECT_GT(cv::countNonZero(diff), 0);                // something was added...
  EXPECT_EQ(cv::countNonZero(diff & ~near_spots), 0);  // ...only around the spots
  SyntheticMammogram again;
  ASSERT_TRUE(InsertSimulatedClusters(film, region, o, &again).ok());
  EXPECT_EQ(cv::norm(m.image.pixels, again.image.pixels, cv::NORM_INF), 0.0);
}

TEST(InsertSimulatedClusters, RefusesWhatItCannotDo) {
  cv::Mat1b region;
  const Image film = FakeFilm(&region);
  SyntheticOptions o;
  o.spacing_mm = 0.2;
  o.clusters = 1;
  SyntheticMammogram m;
  EXPECT_EQ(InsertSimulatedClusters(film, cv::Mat1b::zeros(10, 10), o, &m).code(),
            ErrorCode::kBadParameter);
  EXPECT_EQ(InsertSimulatedClusters(film, cv::Mat1b::zeros(region.size()), o, &m).code(),
            ErrorCode::kBadParameter);  // no room
  Image colour = film;
  cv::cvtColor(film.pixels, colour.pixels, cv::COLOR_GRAY2BGR);
  EXPECT_EQ(InsertSimulatedClusters(colour, region, o, &m).code(), ErrorCode::kBadParameter);
}

}  // namespace
}  // namespace mammocad

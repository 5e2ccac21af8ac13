#include "synth/calcification_model.h"

#include <gtest/gtest.h>

#include <map>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

// The extent (mm) of the calcium actually drawn: the farthest supersampled point from the centre.
double DrawnExtentMm(const SyntheticSpot& spot, double spacing_mm) {
  cv::Mat1f layer = cv::Mat1f::zeros(200, 200);
  SyntheticSpot centred = spot;
  centred.centre = {100, 100};
  synth::DrawCalcification(centred, spacing_mm, &layer);
  double farthest = 0;
  for (int y = 0; y < layer.rows; ++y) {
    for (int x = 0; x < layer.cols; ++x) {
      if (layer(y, x) > 0) farthest = std::max(farthest, cv::norm(cv::Point2f(x, y) - centred.centre));
    }
  }
  return 2 * farthest * spacing_mm;
}

TEST(CalcificationModel, SizesWithinTheModelAndTheMorphology) {
  CalcificationModel model;
  std::mt19937_64 rng(3);
  std::map<CalcMorphology, int> seen;
  std::map<CalcMorphology, double> largest;
  for (int i = 0; i < 400; ++i) {
    const SyntheticSpot s = synth::MakeCalcification(model, rng);
    ++seen[s.morphology];
    largest[s.morphology] = std::max(largest[s.morphology], s.diameter_mm);
    EXPECT_GE(s.diameter_mm, model.min_size_mm);
    EXPECT_LE(s.diameter_mm, model.max_size_mm);
    EXPECT_GT(s.contrast, 0.0);
    ASSERT_FALSE(s.blobs.empty());
    // Every blob lies inside the nominal extent (tolerance: one 0.02 mm grid step each side).
    EXPECT_LE(DrawnExtentMm(s, 0.02), s.diameter_mm + 0.05) << CalcMorphologyName(s.morphology);
    if (s.morphology == CalcMorphology::kLinear) {
      for (const CalcBlob& b : s.blobs) EXPECT_LE(b.semi_minor_mm, 0.1 + 1e-9);
    }
  }
  EXPECT_EQ(seen.size(), 4u);  // every morphology appears
  EXPECT_LE(largest[CalcMorphology::kAmorphous], 0.35);
  EXPECT_GT(largest[CalcMorphology::kPleomorphic], 0.8);
}

TEST(CalcificationModel, ContrastGrowsWithCalciumThickness) {
  CalcificationModel model;
  model.morphologies = {CalcMorphology::kPunctate};
  model.contrast_spread = 0;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 50; ++i) {
    const SyntheticSpot s = synth::MakeCalcification(model, rng);
    EXPECT_NEAR(s.contrast, model.contrast_per_mm * s.blobs[0].thickness_mm, 1e-12);
  }
}

TEST(CalcificationModel, ClusterSpotsInTheDiscAndApart) {
  CalcificationModel model;
  std::mt19937_64 rng(11);
  const double spacing = 0.07;
  for (int i = 0; i < 20; ++i) {
    const SyntheticCluster c = synth::MakeModelCluster({500, 500}, model, spacing, rng);
    EXPECT_GE(c.radius_px, model.min_cluster_radius_mm / spacing);
    EXPECT_LE(c.radius_px, model.max_cluster_radius_mm / spacing);
    EXPECT_GE(static_cast<int>(c.spots.size()), model.min_calcs_per_cluster);
    EXPECT_LE(static_cast<int>(c.spots.size()), model.max_calcs_per_cluster);
    for (size_t a = 0; a < c.spots.size(); ++a) {
      EXPECT_LE(cv::norm(c.spots[a].centre - c.centre) + c.spots[a].diameter_mm / 2 / spacing,
                c.radius_px + 1e-3);
      EXPECT_TRUE(c.box.contains(cv::Point(c.spots[a].centre)));
      for (size_t b = a + 1; b < c.spots.size(); ++b) {
        const double touching = (c.spots[a].diameter_mm + c.spots[b].diameter_mm) / 2 / spacing;
        EXPECT_GT(cv::norm(c.spots[a].centre - c.spots[b].centre), touching);
      }
    }
  }
}

TEST(CalcificationModel, BlurFollowsThePixelSpacing) {
  CalcificationModel model;
  // The focal blur is fixed in mm, so it spans more pixels on a finer grid...
  EXPECT_GT(synth::ModelBlurSigmaPx(model, 0.05), synth::ModelBlurSigmaPx(model, 0.2));
  // ...and the detector aperture never blurs less than its own sigma in pixels.
  EXPECT_GE(synth::ModelBlurSigmaPx(model, 0.2), model.detector_blur_px);
}

}  // namespace
}  // namespace mammocad

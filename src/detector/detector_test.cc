// End-to-end tests of the detector on synthetic mammograms with known clusters.
#include "mammocad/detector.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "mammocad/synthetic.h"

namespace mammocad {
namespace {

cv::Point2f BoxCentre(const cv::Rect& box) {
  return {box.x + box.width / 2.0f, box.y + box.height / 2.0f};
}

// Hit rule of the synthetic evaluation: the found box holds the inserted centre, or the found
// centre lies within the inserted cluster's radius.
bool Hits(const Finding& found, const SyntheticCluster& inserted) {
  return found.box.contains(cv::Point(inserted.centre)) ||
         cv::norm(BoxCentre(found.box) - inserted.centre) <= inserted.radius_px;
}

struct Tally {
  int inserted = 0, hit = 0, false_clusters = 0, images = 0;
  double Sensitivity() const { return inserted ? static_cast<double>(hit) / inserted : 0.0; }
  double FalsePerImage() const { return images ? static_cast<double>(false_clusters) / images : 0.0; }
};

void Score(const std::vector<Finding>& findings, const std::vector<SyntheticCluster>& truth,
           Tally* tally) {
  ++tally->images;
  tally->inserted += static_cast<int>(truth.size());
  for (const SyntheticCluster& c : truth) {
    tally->hit += std::any_of(findings.begin(), findings.end(),
                              [&](const Finding& f) { return Hits(f, c); });
  }
  for (const Finding& f : findings) {
    tally->false_clusters += std::none_of(truth.begin(), truth.end(),
                                          [&](const SyntheticCluster& c) { return Hits(f, c); });
  }
}

struct SyntheticCase {
  double spacing_mm;
  int bits;
};

class SyntheticDetection : public ::testing::TestWithParam<SyntheticCase> {};

TEST_P(SyntheticDetection, FindsInsertedClustersWithFewFalseOnes) {
  constexpr int kSeeds = 20;
  const Detector detector;
  Tally tally;
  double total_ms = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    SyntheticOptions options;
    options.spacing_mm = GetParam().spacing_mm;
    options.bits = GetParam().bits;
    options.seed = seed;
    const SyntheticMammogram m = MakeSyntheticMammogram(options);
    DetectionResult result;
    ASSERT_TRUE(detector.Detect(m.image, DetectOptions(), &result).ok());
    Score(result.findings, m.clusters, &tally);
    total_ms += result.timings.total_ms;
  }
  std::printf("synthetic %.1f mm %d-bit: %d/%d clusters found (%.1f%%), %.2f false clusters/image, "
              "%.1f ms/image\n",
              GetParam().spacing_mm, GetParam().bits, tally.hit, tally.inserted,
              100 * tally.Sensitivity(), tally.FalsePerImage(), total_ms / kSeeds);
  EXPECT_GE(tally.Sensitivity(), 0.9);
  EXPECT_LE(tally.FalsePerImage(), 0.3);
}

INSTANTIATE_TEST_SUITE_P(Spacings, SyntheticDetection,
                         ::testing::Values(SyntheticCase{0.1, 16}, SyntheticCase{0.1, 8},
                                           SyntheticCase{0.2, 16}, SyntheticCase{0.2, 8}),
                         [](const auto& info) {
                           return "at" + std::to_string(static_cast<int>(info.param.spacing_mm * 1000)) +
                                  "um_" + std::to_string(info.param.bits) + "bit";
                         });

}  // namespace
}  // namespace mammocad

// The detector on the mini-MIAS development split (real screen-film mammograms): prints the
// sensitivity and false-positive rate at the default operating point and at FP/image <= 1 and
// <= 0.5. Skips when the data set is not installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "detector/stages.h"
#include "mammocad/detector.h"
#include "eval/mias.h"

namespace mammocad {
namespace {

std::filesystem::path MiasDir() {
  const char* env = std::getenv("MAMMOCAD_SHARED_DATA_DIR");
  const std::filesystem::path shared = env && *env ? env : MAMMOCAD_SHARED_DATA_DIR;
  return shared / "mini-mias-dev";
}

// The mask with no margin: where the breast is at all.
cv::Mat1b WholeBreast(const Image& image) {
  DetectorParams p;
  p.mask_margin_mm = 0;
  const detail::AnalysisImage a = detail::Normalise(image, kMiasSpacingMm, p);
  return detail::ComputeBreastMask(a.pixels, a.spacing_mm, p);
}

TEST(MiasDev, ClusterSensitivityAndFalsePositives) {
  const std::filesystem::path dir = MiasDir();
  if (!std::filesystem::exists(dir / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << dir << ": skipping";
  }
  std::vector<MiasAnnotation> rows;
  ASSERT_TRUE(ReadMiasAnnotations((dir / "annotations.txt").string(), &rows).ok());
  std::map<std::string, std::vector<int>> lesions_of;  // image id -> indices of CALC circles
  std::vector<MiasAnnotation> lesions;
  for (const MiasAnnotation& a : rows) {
    lesions_of[a.id];
    if (a.IsCalcificationCluster()) {
      lesions_of[a.id].push_back(static_cast<int>(lesions.size()));
      lesions.push_back(a);
    }
  }

  const Detector detector;
  DetectOptions options;
  options.spacing_override_mm = kMiasSpacingMm;
  std::vector<ScoredFinding> scored;
  int images = 0, outside_breast = 0;
  double total_ms = 0;
  for (const auto& [id, lesion_indices] : lesions_of) {
    Image image;
    image.pixels = cv::imread((dir / (id + ".pgm")).string(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(image.pixels.empty()) << id;
    image.bits_stored = 8;
    image.format = "pnm";
    image.file_spacing_mm = kMiasSpacingMm;
    DetectionResult result;
    ASSERT_TRUE(detector.Detect(image, options, &result).ok()) << id;
    ++images;
    total_ms += result.timings.total_ms;
    const cv::Mat1b breast = WholeBreast(image);
    for (const Finding& f : result.findings) {
      ScoredFinding s{f.score, -1};
      for (int index : lesion_indices) {
        if (MiasHit(f, lesions[index])) { s.lesion = index; break; }
      }
      scored.push_back(s);
      const cv::Point centre(f.box.x + f.box.width / 2, f.box.y + f.box.height / 2);
      outside_breast += breast(centre) == 0;
    }
  }
  const int n = static_cast<int>(lesions.size());
  const OperatingPoint all = EvaluateAt(scored, n, images, 0.0);
  const OperatingPoint at1 = BestAtFpRate(scored, n, images, 1.0);
  const OperatingPoint at05 = BestAtFpRate(scored, n, images, 0.5);
  std::printf("mini-MIAS dev: %d images, %d annotated clusters, %.1f ms/image\n", images, n,
              total_ms / images);
  std::printf("  default:        sensitivity %.3f (%d/%d), %.2f FP clusters/image\n",
              all.sensitivity, static_cast<int>(std::lround(all.sensitivity * n)), n,
              all.fp_per_image);
  std::printf("  FP/image <= 1:  sensitivity %.3f at score >= %.3f (%.2f FP/image)\n",
              at1.sensitivity, at1.threshold, at1.fp_per_image);
  std::printf("  FP/image <= 0.5: sensitivity %.3f at score >= %.3f (%.2f FP/image)\n",
              at05.sensitivity, at05.threshold, at05.fp_per_image);
  EXPECT_EQ(images, 162);
  EXPECT_EQ(n, 16);
  EXPECT_EQ(outside_breast, 0);
  // Loose floors under the measured figures (docs/detector.md): 8/16 found at 0.38 FP/image
  // when these were set. A few lesions flip with small changes, hence the margin.
  EXPECT_GE(all.sensitivity, 6.0 / 16);
  EXPECT_LE(all.fp_per_image, 1.0);
  EXPECT_GE(at05.sensitivity, 5.0 / 16);
}

}  // namespace
}  // namespace mammocad

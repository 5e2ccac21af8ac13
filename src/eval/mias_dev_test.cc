// The default detector on the mini-MIAS development split (real screen-film mammograms),
// through the evaluation's own matching and FROC: prints the sensitivity and false positives
// with every finding kept and at FP/image <= 1 and <= 0.5. Skips when the data is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "eval/evaluation.h"

namespace mammocad {
namespace {

std::filesystem::path MiasDir() {
  const char* env = std::getenv("MAMMOCAD_SHARED_DATA_DIR");
  const std::filesystem::path shared = env && *env ? env : MAMMOCAD_SHARED_DATA_DIR;
  return shared / "mini-mias-dev";
}

TEST(MiasDev, ClusterSensitivityAndFalsePositives) {
  const std::filesystem::path dir = MiasDir();
  if (!std::filesystem::exists(dir / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << dir << ": skipping";
  }
  std::vector<MiasAnnotation> rows;
  ASSERT_TRUE(ReadMiasAnnotations((dir / "annotations.txt").string(), &rows).ok());
  FolderEvaluationOptions options;
  options.truth = TruthFromMias(rows);
  ASSERT_TRUE(ListImages(dir.string(), &options.image_paths).ok());
  options.pixel_spacing_mm = kMiasSpacingMm;
  options.threads = 2;
  EvaluationReport report;
  const Status s = EvaluateImages(Detector(), options, nullptr, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const FrocCurve& curve = report.cluster_curve;
  const int n = curve.lesions, images = curve.images;
  const OperatingPoint all = curve.points.back();
  const OperatingPoint at1 = PointAtFpRate(curve, 1.0), at05 = PointAtFpRate(curve, 0.5);
  std::printf("mini-MIAS dev: %d images, %d annotated clusters, %.1f ms/image\n", images, n,
              report.total_detect_ms / images);
  std::printf("  default:        sensitivity %.3f (%d/%d), %.2f FP clusters/image\n",
              all.sensitivity, static_cast<int>(std::lround(all.sensitivity * n)), n,
              all.fp_per_image);
  std::printf("  FP/image <= 1:  sensitivity %.3f at score >= %.3f (%.2f FP/image)\n",
              at1.sensitivity, at1.threshold, at1.fp_per_image);
  std::printf("  FP/image <= 0.5: sensitivity %.3f at score >= %.3f (%.2f FP/image)\n",
              at05.sensitivity, at05.threshold, at05.fp_per_image);
  EXPECT_EQ(images, 162);
  EXPECT_EQ(n, 16);
  EXPECT_EQ(report.findings_outside_breast, 0);
  // Loose floors under the measured figures (docs/detector.md): 8/16 found at 0.38 FP/image
  // when these were set. A few lesions flip with small changes, hence the margin.
  EXPECT_GE(all.sensitivity, 6.0 / 16);
  EXPECT_LE(all.fp_per_image, 1.0);
  EXPECT_GE(at05.sensitivity, 5.0 / 16);
}

}  // namespace
}  // namespace mammocad

// The detectors on the mini-MIAS development split (real screen-film mammograms; the tests
// skip, saying so, when it is not installed): the default detector's sensitivity and false
// positives, printed and held above floors; the model shipped in models/ loads, and stays at
// least as good as the hand-made score at 0.5 and 1 FP/image, as when it was shipped (it is
// still not the default: docs/learned-scoring.md); the operating points both state are still
// what this split gives.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "eval/evaluation.h"
#include "eval/operating_points.h"
#include "detector/model_file.h"
#include "detector/neural_scorer.h"

namespace mammocad {
namespace {

std::string ShippedModel() { return std::string(MAMMOCAD_SOURCE_DIR) + "/models/calc-v3.yml"; }

TEST(ShippedModel, LoadsWithItsProvenance) {
  std::shared_ptr<const LearnedScorer> scorer;
  const Status s = LoadModelFile(ShippedModel(), &scorer);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(scorer->provenance().version, "calc-v3");
  EXPECT_EQ(scorer->provenance().seed, 1u);
  EXPECT_GT(scorer->provenance().training_candidates, 1000);
  // Calibrated: the probability rises with the forest's output.
  EXPECT_GT(scorer->calibration().a, 0);
  EXPECT_GT(scorer->cluster_calibration().a, 0);
}

std::filesystem::path MiasDir() {
  const char* env = std::getenv("MAMMOCAD_SHARED_DATA_DIR");
  const std::filesystem::path shared = env && *env ? env : MAMMOCAD_SHARED_DATA_DIR;
  return shared / "mini-mias-dev";
}

EvaluationReport EvaluateMias(const Detector& detector) {
  const std::filesystem::path dir = MiasDir();
  std::vector<MiasAnnotation> rows;
  EXPECT_TRUE(ReadMiasAnnotations((dir / "annotations.txt").string(), &rows).ok());
  FolderEvaluationOptions options;
  options.truth = TruthFromMias(rows);
  EXPECT_TRUE(ListImages(dir.string(), &options.image_paths).ok());
  options.pixel_spacing_mm = kMiasSpacingMm;
  options.threads = 2;
  EvaluationReport report;
  const Status s = EvaluateImages(detector, options, nullptr, &report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return report;
}

TEST(MiasDev, ClusterSensitivityAndFalsePositives) {
  const std::filesystem::path dir = MiasDir();
  if (!std::filesystem::exists(dir / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << dir << ": skipping";
  }
  const EvaluationReport report = EvaluateMias(Detector());
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
  EXPECT_EQ(n, 14);
  EXPECT_EQ(report.findings_outside_breast, 0);
  // Loose floors under the measured figures (docs/detector.md): 8/14 found at 0.38 FP/image
  // when these were set. A few lesions flip with small changes, hence the margin.
  EXPECT_GE(all.sensitivity, 6.0 / 14);
  EXPECT_LE(all.fp_per_image, 1.0);
  EXPECT_GE(at05.sensitivity, 5.0 / 14);
}

// Issue 15's convention: the two annotated circles of this split that lie off the breast
// (mdb212's in the air beyond the skin line, mdb214's beyond the top of the outline) are found
// by the mask, set apart and not counted; every other circle is on the breast.
TEST(MiasDev, TheCirclesOffTheBreastAreMdb212AndMdb214) {
  if (!std::filesystem::exists(MiasDir() / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << MiasDir() << ": skipping";
  }
  const EvaluationReport report = EvaluateMias(Detector());
  std::vector<std::string> off;
  int on = 0;
  for (const ImageEvaluation& e : report.images) {
    on += e.lesions;
    for (size_t i = 0; i < e.off_breast.size(); ++i) off.push_back(e.name);
  }
  EXPECT_EQ(off, (std::vector<std::string>{"mdb212", "mdb214"}));
  EXPECT_EQ(on, 14);
}

TEST(ShippedModel, MiasDevAtLeastAsGoodAsTheHandMadeScore) {
  if (!std::filesystem::exists(MiasDir() / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << MiasDir() << ": skipping";
  }
  std::shared_ptr<const LearnedScorer> scorer;
  ASSERT_TRUE(LoadModelFile(ShippedModel(), &scorer).ok());
  Detector detector;
  ASSERT_TRUE(Detector::Create(scorer->FittedParams(DetectorParams()), scorer, &detector).ok());
  const EvaluationReport learned = EvaluateMias(detector);
  const EvaluationReport handmade = EvaluateMias(Detector());
  ASSERT_EQ(learned.cluster_curve.images, 162);
  ASSERT_EQ(learned.cluster_curve.lesions, 14);
  for (double rate : {0.5, 1.0}) {
    const double l = PointAtFpRate(learned.cluster_curve, rate).sensitivity;
    const double h = PointAtFpRate(handmade.cluster_curve, rate).sensitivity;
    std::printf("mini-MIAS dev at %.1f FP/image: learned %.3f, hand-made %.3f\n", rate, l, h);
    EXPECT_GE(l, h) << rate;
  }
  EXPECT_EQ(learned.findings_outside_breast, 0);
  // Floor under the measured 9/14 at 0.5 FP/image, a lesion of margin.
  EXPECT_GE(PointAtFpRate(learned.cluster_curve, 0.5).sensitivity, 8.0 / 14);
}

// The points the shipped scorers state (the hand-made table in src/detector/scorers.cc, the
// model file's operating_points node) are what `mammocad eval --operating-points` measures on
// this split now, to the digits they are written with: min_score exactly, sensitivity and
// FP/image to 4 decimals, and where they were measured.
TEST(ShippedOperatingPoints, MatchTheDevSplit) {
  if (!std::filesystem::exists(MiasDir() / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << MiasDir() << ": skipping";
  }
  std::shared_ptr<const LearnedScorer> scorer;
  ASSERT_TRUE(LoadModelFile(ShippedModel(), &scorer).ok());
  std::shared_ptr<const NeuralScorer> network;
  ASSERT_TRUE(NeuralScorer::Load(std::string(MAMMOCAD_SOURCE_DIR) + "/models/calc-nn-v4.yml",
                                 &network).ok());
  Detector handmade, learned, neural;
  ASSERT_TRUE(Detector::Create(scorer->FittedParams(DetectorParams()), scorer, &learned).ok());
  ASSERT_TRUE(Detector::Create(network->FittedParams(DetectorParams()), network, &neural).ok());
  const auto four_places = [](double value) { return std::lround(value * 1e4); };
  for (const Detector* detector : {&handmade, &learned, &neural}) {
    const std::string name(detector->scorer().name());
    const FrocCurve curve = EvaluateMias(*detector).cluster_curve;
    ASSERT_EQ(curve.images, 162);
    const std::vector<MeasuredOperatingPoint> measured =
        MeasureOperatingPoints(curve, MeasuredOnFolder(MiasDir().string(), curve.images));
    const std::vector<NamedOperatingPoint>& shipped = detector->scorer().OperatingPoints();
    const std::string how = name + ": re-measure with `mammocad eval --images DIR --truth "
                                   "DIR/annotations.txt --scorer " + name +
                            " --operating-points` and paste what it prints";
    ASSERT_EQ(shipped.size(), measured.size()) << how;
    for (size_t i = 0; i < shipped.size(); ++i) {
      const NamedOperatingPoint& s = shipped[i];
      const NamedOperatingPoint& m = measured[i].named;
      std::printf("%s %s: min_score %.10g, sensitivity %.4f, %.4f FP/image\n", name.c_str(),
                  m.name.c_str(), m.min_score, m.sensitivity, m.fp_per_image);
      EXPECT_EQ(s.name, m.name) << how;
      EXPECT_EQ(s.min_score, m.min_score) << s.name << ", " << how;
      EXPECT_EQ(four_places(s.sensitivity), four_places(m.sensitivity)) << s.name << ", " << how;
      EXPECT_EQ(four_places(s.fp_per_image), four_places(m.fp_per_image)) << s.name << ", " << how;
      EXPECT_EQ(s.measured_on, m.measured_on) << s.name << ", " << how;
    }
  }
}

}  // namespace
}  // namespace mammocad

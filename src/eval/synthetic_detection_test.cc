// The default detector on synthetic mammograms with known clusters (20 per case), scored by the
// evaluation's hit rule: at 100 and 200 um, 16- and 8-bit.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>

#include "eval/evaluation.h"

namespace mammocad {
namespace {

struct SyntheticCase {
  double spacing_mm;
  int bits;
};

void PrintTo(const SyntheticCase& c, std::ostream* os) {
  *os << c.spacing_mm << " mm, " << c.bits << "-bit";
}

class SyntheticDetection : public ::testing::TestWithParam<SyntheticCase> {};

TEST_P(SyntheticDetection, FindsInsertedClustersWithFewFalseOnes) {
  constexpr int kImages = 20;
  const SyntheticSource source = [](int i, SyntheticMammogram* out) {
    SyntheticOptions options;
    options.spacing_mm = GetParam().spacing_mm;
    options.bits = GetParam().bits;
    options.seed = i + 1;  // seeds 1..20
    *out = MakeSyntheticMammogram(options);
    return Status::Ok();
  };
  SyntheticEvaluationOptions options;
  options.threads = 2;
  EvaluationReport report;
  const Status s = EvaluateGenerated(Detector(), kImages, source, options, nullptr, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const FrocCurve& clusters = report.cluster_curve;
  const OperatingPoint all = clusters.points.back();  // every finding kept
  ASSERT_GT(clusters.lesions, 0);
  std::printf("synthetic %.1f mm %d-bit: %.0f/%d clusters found (%.1f%%), %.2f false "
              "clusters/image, %.1f ms/image\n",
              GetParam().spacing_mm, GetParam().bits, all.sensitivity * clusters.lesions,
              clusters.lesions, 100 * all.sensitivity, all.fp_per_image,
              report.total_detect_ms / kImages);
  EXPECT_GE(all.sensitivity, 0.9);
  EXPECT_LE(all.fp_per_image, 0.3);
}

INSTANTIATE_TEST_SUITE_P(Spacings, SyntheticDetection,
                         ::testing::Values(SyntheticCase{0.1, 16}, SyntheticCase{0.1, 8},
                                           SyntheticCase{0.2, 16}, SyntheticCase{0.2, 8}),
                         [](const auto& info) {
                           return "at" +
                                  std::to_string(static_cast<int>(info.param.spacing_mm * 1000)) +
                                  "um_" + std::to_string(info.param.bits) + "bit";
                         });

}  // namespace
}  // namespace mammocad

// End-to-end tests of the detector on synthetic mammograms with known clusters.
#include "mammocad/detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <ostream>
#include <thread>

#include "synth/synthetic.h"

namespace mammocad {
namespace {

double IoU(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  return inter / (a.area() + b.area() - inter);
}

TEST(Detector, SixteenAndEightBitGiveTheSameFindings) {
  const Detector detector;
  int compared = 0;
  for (int seed = 1; seed <= 5; ++seed) {
    SyntheticOptions options;
    options.seed = seed;
    const SyntheticMammogram m = MakeSyntheticMammogram(options);
    DetectionResult r16, r8;
    ASSERT_TRUE(detector.Detect(m.image, DetectOptions(), &r16).ok());
    ASSERT_TRUE(detector.Detect(To8Bit(m.image), DetectOptions(), &r8).ok());
    // Every confident cluster of one version is in the other, at about the same score.
    for (const auto* pair : {&r16, &r8}) {
      const auto& mine = pair->findings;
      const auto& other = pair == &r16 ? r8.findings : r16.findings;
      for (const Finding& f : mine) {
        if (f.score < 0.2) continue;
        const auto match = std::find_if(other.begin(), other.end(),
                                        [&](const Finding& g) { return IoU(f.box, g.box) >= 0.5; });
        ASSERT_NE(match, other.end()) << "seed " << seed << " box " << f.box;
        EXPECT_NEAR(match->score, f.score, 0.05) << "seed " << seed;
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 10);
}

Image Flat(int value, int bits) {
  Image image;
  image.pixels = cv::Mat(800, 600, bits == 8 ? CV_8UC1 : CV_16UC1, cv::Scalar(value));
  image.bits_stored = bits;
  image.file_spacing_mm = 0.1;
  return image;
}

TEST(Detector, BlankAndFlatImagesGiveNoFindings) {
  const Detector detector;
  DetectOptions calcs;
  calcs.level = FindingLevel::kCalcification;
  for (const Image& image : {Flat(0, 8), Flat(128, 8), Flat(40000, 16), Flat(65535, 16)}) {
    for (const DetectOptions& options : {DetectOptions(), calcs}) {
      DetectionResult result;
      ASSERT_TRUE(detector.Detect(image, options, &result).ok());
      EXPECT_TRUE(result.findings.empty());
    }
  }
}

TEST(Detector, OnlyABrightLabelGivesNoFindings) {
  // Black film with a bright text label (strokes and dots like letters) and a marker.
  Image image = Flat(3, 8);
  cv::Mat noise(image.pixels.size(), CV_8UC1);
  cv::randu(noise, 0, 4);
  image.pixels += noise;
  cv::rectangle(image.pixels, cv::Rect(400, 50, 150, 60), cv::Scalar(240), -1);
  cv::putText(image.pixels, "R MLO", {410, 95}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(30), 2);
  cv::circle(image.pixels, {100, 700}, 12, cv::Scalar(255), -1);
  for (int i = 0; i < 6; ++i) cv::circle(image.pixels, {60 + 8 * i, 40}, 1, cv::Scalar(250), -1);
  const Detector detector;
  DetectOptions calcs;
  calcs.level = FindingLevel::kCalcification;
  for (const DetectOptions& options : {DetectOptions(), calcs}) {
    DetectionResult result;
    ASSERT_TRUE(detector.Detect(image, options, &result).ok());
    EXPECT_TRUE(result.findings.empty()) << result.findings.size() << " findings";
  }
}

TEST(Detector, CalcificationLevelMinScoreOrderAndTimings) {
  const SyntheticMammogram m = MakeSyntheticMammogram(SyntheticOptions());
  const Detector detector;
  DetectOptions options;
  options.level = FindingLevel::kCalcification;
  DetectionResult result;
  ASSERT_TRUE(detector.Detect(m.image, options, &result).ok());
  ASSERT_GE(result.findings.size(), 6u);
  for (const Finding& f : result.findings) {
    EXPECT_EQ(f.kind, FindingKind::kCalcification);
    EXPECT_TRUE(f.members.empty());
    EXPECT_GE(f.score, 0.0);
    EXPECT_LE(f.score, 1.0);
  }
  EXPECT_TRUE(std::is_sorted(result.findings.begin(), result.findings.end(),
                             [](const Finding& a, const Finding& b) { return a.score > b.score; }));
  EXPECT_GT(result.timings.enhance_ms, 0.0);
  EXPECT_GE(result.timings.total_ms, result.timings.enhance_ms);
  EXPECT_DOUBLE_EQ(result.spacing_mm, 0.1);
  EXPECT_EQ(result.spacing_source, SpacingSource::kPixelSpacing);

  const double median = result.findings[result.findings.size() / 2].score;
  options.min_score = median;
  DetectionResult strict;
  ASSERT_TRUE(detector.Detect(m.image, options, &strict).ok());
  EXPECT_LT(strict.findings.size(), result.findings.size());
  for (const Finding& f : strict.findings) EXPECT_GE(f.score, median);
}

// Every cluster carries its image's candidates per cm2 of breast (the cluster model's measure
// of a film strewn with specks): the candidates over the detector's mask, which lies within
// the breast (so at least candidates over the whole breast, and not far above it).
TEST(Detector, ClustersCarryTheImagesCandidateDensity) {
  const SyntheticMammogram m = MakeSyntheticMammogram(SyntheticOptions());
  const Detector detector;
  DetectOptions options;
  DetectionResult clusters, candidates;
  ASSERT_TRUE(detector.Detect(m.image, options, &clusters).ok());
  options.level = FindingLevel::kCalcification;
  ASSERT_TRUE(detector.Detect(m.image, options, &candidates).ok());
  ASSERT_FALSE(clusters.findings.empty());
  const double breast_cm2 = cv::countNonZero(m.breast) * 0.1 * 0.1 / 100.0;
  const double over_breast = candidates.findings.size() / breast_cm2;
  for (const Finding& f : clusters.findings) {
    EXPECT_DOUBLE_EQ(f.evidence.image_candidates_per_cm2,
                     clusters.findings[0].evidence.image_candidates_per_cm2);
    EXPECT_GE(f.evidence.image_candidates_per_cm2, over_breast);
    EXPECT_LE(f.evidence.image_candidates_per_cm2, 1.5 * over_breast);
  }
}

TEST(Detector, FineImagesAreAnalysedCoarserAndReportedInTheirOwnGrid) {
  SyntheticOptions options;
  options.width = options.height = 2048;
  options.spacing_mm = 0.05;
  options.min_spot_diameter_mm = 0.3;
  options.seed = 3;
  const SyntheticMammogram m = MakeSyntheticMammogram(options);
  DetectionResult result;
  ASSERT_TRUE(Detector().Detect(m.image, DetectOptions(), &result).ok());
  // Every inserted cluster found and nothing else (the evaluation's hit rule is tested with
  // the evaluation: here each finding holds an inserted cluster's centre).
  ASSERT_EQ(result.findings.size(), m.clusters.size());
  for (const SyntheticCluster& c : m.clusters) {
    EXPECT_TRUE(std::any_of(result.findings.begin(), result.findings.end(),
                            [&](const Finding& f) { return f.box.contains(cv::Point(c.centre)); }))
        << "cluster at " << c.centre;
  }
  for (const Finding& f : result.findings) {
    EXPECT_EQ(f.box & cv::Rect(0, 0, 2048, 2048), f.box);
  }
}

TEST(Detector, SpacingPrecedence) {
  const DetectorParams p;
  Image image = Flat(0, 8);
  image.file_spacing_mm = 0.0;
  DetectOptions options;
  SpacingSource source;
  EXPECT_DOUBLE_EQ(ResolveSpacing(image, options, p, &source), p.assumed_field_of_view_mm / 800);
  EXPECT_EQ(source, SpacingSource::kDefault);
  // The front end's default comes before the assumed field of view...
  options.default_spacing_mm = 0.05;
  EXPECT_DOUBLE_EQ(ResolveSpacing(image, options, p, &source), 0.05);
  EXPECT_EQ(source, SpacingSource::kServerDefault);
  // ...but after the file's own spacing...
  image.file_spacing_mm = 0.1;
  image.file_spacing_source = SpacingSource::kImagerPixelSpacing;
  EXPECT_DOUBLE_EQ(ResolveSpacing(image, options, p, &source), 0.1);
  EXPECT_EQ(source, SpacingSource::kImagerPixelSpacing);
  // ...and the request's.
  options.spacing_override_mm = 0.07;
  EXPECT_DOUBLE_EQ(ResolveSpacing(image, options, p, &source), 0.07);
  EXPECT_EQ(source, SpacingSource::kRequest);
  image.file_spacing_mm = 0.0;
  EXPECT_DOUBLE_EQ(ResolveSpacing(image, options, p, &source), 0.07);
  EXPECT_EQ(source, SpacingSource::kRequest);
}

TEST(Detector, ServerDefaultSpacingIsUsedAndRangeChecked) {
  const Detector detector;
  Image image = Flat(10, 8);
  image.file_spacing_mm = 0.0;  // the file says nothing
  DetectOptions options;
  options.default_spacing_mm = 0.2;
  DetectionResult result;
  ASSERT_TRUE(detector.Detect(image, options, &result).ok());
  EXPECT_DOUBLE_EQ(result.spacing_mm, 0.2);
  EXPECT_EQ(result.spacing_source, SpacingSource::kServerDefault);
  options.default_spacing_mm = 5.0;
  EXPECT_EQ(detector.Detect(image, options, &result).code(), ErrorCode::kBadParameter);
  options.default_spacing_mm = -1;
  EXPECT_EQ(detector.Detect(image, options, &result).code(), ErrorCode::kBadParameter);
}

TEST(Detector, RejectsBadInputWithStatus) {
  const Detector detector;
  DetectionResult result;
  Image empty;
  EXPECT_EQ(detector.Detect(empty, DetectOptions(), &result).code(), ErrorCode::kUnsupportedFormat);
  Image colour;
  colour.pixels = cv::Mat(10, 10, CV_8UC3, cv::Scalar::all(0));
  EXPECT_EQ(detector.Detect(colour, DetectOptions(), &result).code(),
            ErrorCode::kUnsupportedFormat);
  Image image = Flat(10, 8);
  image.bits_stored = 12;  // more than an 8-bit container holds
  EXPECT_EQ(detector.Detect(image, DetectOptions(), &result).code(), ErrorCode::kBadParameter);
  image.bits_stored = 8;
  DetectOptions options;
  options.spacing_override_mm = 5.0;
  EXPECT_EQ(detector.Detect(image, options, &result).code(), ErrorCode::kBadParameter);
  options.spacing_override_mm = -1;
  EXPECT_EQ(detector.Detect(image, options, &result).code(), ErrorCode::kBadParameter);
  options = DetectOptions();
  options.min_score = 1.5;
  EXPECT_EQ(detector.Detect(image, options, &result).code(), ErrorCode::kBadParameter);
}

TEST(Detector, OpenCvErrorsBecomeInternalStatus) {
  DetectorParams broken;
  broken.mask_smoothing_mm = -1.0;  // GaussianBlur rejects the kernel: cv::Exception inside
  DetectionResult result;
  const Status s = Detector(broken).Detect(MakeSyntheticMammogram(SyntheticOptions()).image,
                                           DetectOptions(), &result);
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_TRUE(result.findings.empty());
}

TEST(Detector, ConcurrentCallsAgreeWithASerialOne) {
  const Detector detector;
  const SyntheticMammogram m = MakeSyntheticMammogram(SyntheticOptions());
  DetectionResult serial;
  ASSERT_TRUE(detector.Detect(m.image, DetectOptions(), &serial).ok());
  // The default synthetic mammogram holds clusters: agreeing on no findings would prove nothing.
  ASSERT_FALSE(m.clusters.empty());
  ASSERT_FALSE(serial.findings.empty());
  constexpr size_t kThreads = 4;
  std::vector<DetectionResult> results(kThreads);
  // Not OK until a thread overwrites it, so a thread that never ran cannot pass.
  std::vector<Status> statuses(kThreads, Status(ErrorCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&, t] { statuses[t] = detector.Detect(m.image, DetectOptions(), &results[t]); });
  }
  for (std::thread& t : threads) t.join();
  for (size_t t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(testing::Message() << "thread " << t);
    ASSERT_TRUE(statuses[t].ok()) << statuses[t].ToString();
    const DetectionResult& r = results[t];
    ASSERT_EQ(r.findings.size(), serial.findings.size());
    for (size_t i = 0; i < r.findings.size(); ++i) {
      EXPECT_EQ(r.findings[i].box, serial.findings[i].box) << "finding " << i;
      EXPECT_DOUBLE_EQ(r.findings[i].score, serial.findings[i].score) << "finding " << i;
    }
  }
}


// Findings of two runs agree: same number, each matched by a box overlapping by IoU >= 0.9
// with a score within 0.001 (strips may change float rounding, nothing more).
void ExpectSameFindings(const std::vector<Finding>& a, const std::vector<Finding>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const Finding& f : a) {
    const bool matched = std::any_of(b.begin(), b.end(), [&](const Finding& g) {
      const double overlap = (f.box & g.box).area();
      const double iou = overlap / (f.box.area() + g.box.area() - overlap);
      return f.kind == g.kind && iou >= 0.9 && std::abs(f.score - g.score) <= 1e-3;
    });
    EXPECT_TRUE(matched) << "score " << f.score << " box " << f.box;
  }
}

TEST(Detector, StripParallelFindingsEqualSingleThreadOnes) {
  const Detector detector;
  struct Case { int width, height; double spacing_mm; int bits; std::uint64_t seed; };
  for (const Case& c : {Case{3328, 4096, 0.07, 8, 1}, Case{3328, 4096, 0.07, 16, 2},
                        Case{2000, 2400, 0.1, 16, 3}}) {
    SyntheticOptions options;
    options.width = c.width;
    options.height = c.height;
    options.spacing_mm = c.spacing_mm;
    options.bits = c.bits;
    options.seed = c.seed;
    const SyntheticMammogram m = MakeSyntheticMammogram(options);
    for (FindingLevel level : {FindingLevel::kCluster, FindingLevel::kCalcification}) {
      DetectOptions single, parallel;
      single.level = parallel.level = level;
      single.max_threads = 1;
      parallel.max_threads = 2;
      DetectionResult one, two;
      ASSERT_TRUE(detector.Detect(m.image, single, &one).ok());
      ASSERT_TRUE(detector.Detect(m.image, parallel, &two).ok());
      SCOPED_TRACE(testing::Message() << c.width << "x" << c.height << " seed " << c.seed);
      EXPECT_FALSE(one.findings.empty());
      ExpectSameFindings(one.findings, two.findings);
    }
  }
}

}  // namespace
}  // namespace mammocad

#include "eval/false_sources.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

SyntheticBenign Line(BenignKind kind, cv::Point2f a, cv::Point2f b) {
  SyntheticBenign line;
  line.kind = kind;
  line.points = {a, b};
  line.box = cv::Rect(cv::Point(a), cv::Point(b) + cv::Point(1, 1));
  return line;
}

TEST(FalseSources, AFindingOnAScannerLineIsTheScannerLines) {
  // A line drawn about horizontally across the image, 0.1 mm pixels: reach 0.5 mm = 5 px.
  const std::vector<SyntheticBenign> benign = {
      Line(BenignKind::kScannerLine, {0, 100}, {1000, 110})};
  EXPECT_EQ(BenignUnder(cv::Rect(500, 101, 6, 6), benign, 0.1), BenignKind::kScannerLine);
  // Beside it, beyond the box's half diagonal and the reach: tissue or noise.
  EXPECT_EQ(BenignUnder(cv::Rect(500, 140, 6, 6), benign, 0.1), std::nullopt);
  // Within the line's bounding box but far from its axis does not count either.
  const std::vector<SyntheticBenign> diagonal = {
      Line(BenignKind::kScratch, {0, 0}, {200, 200})};
  EXPECT_EQ(BenignUnder(cv::Rect(150, 20, 4, 4), diagonal, 0.1), std::nullopt);
  EXPECT_EQ(BenignUnder(cv::Rect(98, 98, 4, 4), diagonal, 0.1), BenignKind::kScratch);
}

TEST(FalseSources, AVesselCountsOutToItsWallsAndTheNearestSourceWins) {
  SyntheticBenign vessel = Line(BenignKind::kVascular, {100, 0}, {100, 400});
  vessel.points.insert(vessel.points.begin() + 1, cv::Point2f(100, 200));
  vessel.wall_gap_mm = 2.0;  // walls 10 px either side of the axis at 0.1 mm
  SyntheticBenign round;
  round.kind = BenignKind::kRound;
  round.box = cv::Rect(130, 290, 10, 10);
  const std::vector<SyntheticBenign> benign = {vessel, round};
  EXPECT_EQ(BenignUnder(cv::Rect(110, 200, 2, 2), benign, 0.1), BenignKind::kVascular);
  EXPECT_EQ(BenignUnder(cv::Rect(130, 200, 2, 2), benign, 0.1), std::nullopt);
  EXPECT_EQ(BenignUnder(cv::Rect(128, 288, 4, 4), benign, 0.1), BenignKind::kRound);
}

TEST(FalseSources, PerImageCountsOnlyFalseFindingsAtTheScore) {
  EvaluationReport report;
  report.images.resize(2);
  ImageEvaluation& a = report.images[0];
  a.findings = {{0.9, -1}, {0.8, 0}, {0.3, -1}, {0.7, -1}};
  a.false_sources = {BenignKind::kDust, std::nullopt, BenignKind::kDust, std::nullopt};
  const std::string all = FalseSourcesPerImage(report, 0.0);
  EXPECT_NE(all.find("dust 1.00,"), std::string::npos) << all;  // 2 over 2 images
  EXPECT_NE(all.find("tissue or noise 0.50"), std::string::npos) << all;
  EXPECT_NE(all.find("label 0.00"), std::string::npos) << all;
  const std::string high = FalseSourcesPerImage(report, 0.5);
  EXPECT_NE(high.find("dust 0.50,"), std::string::npos) << high;
}

TEST(FalseSources, SyntheticEvaluationsAttributeEachFalseFinding) {
  SyntheticEvaluationOptions o;
  o.images = 3;
  o.seed = 5;
  o.base.spacing_mm = 0.1;
  o.base.width = o.base.height = 1024;
  o.realistic = true;
  o.benign_and_artefacts = true;
  o.benign_only = true;  // every finding is false
  EvaluationReport report;
  ASSERT_TRUE(EvaluateSynthetic(Detector(), o, nullptr, &report).ok());
  int findings = 0, attributed = 0;
  for (const ImageEvaluation& e : report.images) {
    ASSERT_EQ(e.false_sources.size(), e.findings.size());
    findings += static_cast<int>(e.findings.size());
    for (const auto& kind : e.false_sources) attributed += kind.has_value();
  }
  ASSERT_GT(findings, 0);
  EXPECT_GT(attributed, 0) << "no false finding of " << findings << " lies on a benign finding";
}

}  // namespace
}  // namespace mammocad

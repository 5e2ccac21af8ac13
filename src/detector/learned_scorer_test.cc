// The learned scorer, its model file and its hook into the detector.
#include "detector/learned_scorer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "detector/candidate_trace.h"
#include "detector/features.h"
#include "detector/model_file.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

ClusterEvidence WithMemberScore(double member_based_score) {
  ClusterEvidence e;
  e.member_based_score = member_based_score;
  return e;
}


// A small forest on separable data (label = feature 0 above 5), fitted behind a candidate
// stage other than the hand-made detector's.
std::shared_ptr<const LearnedScorer> TinyModel(std::vector<NamedOperatingPoint> points = {}) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> unit(0.0f, 10.0f);
  std::vector<std::vector<float>> x;
  std::vector<int> y;
  const size_t n = CandidateFeatureNames().size();
  for (int i = 0; i < 400; ++i) {
    std::vector<float> row(n);
    for (float& v : row) v = unit(rng);
    x.push_back(row);
    y.push_back(row[0] > 5 ? 1 : 0);
  }
  std::shared_ptr<const RandomForest> forest;
  EXPECT_TRUE(RandomForest::Train(x, y, 7, &forest).ok());
  if (!forest) return nullptr;
  ModelProvenance provenance;
  provenance.version = "test";
  DetectorParams fitted;
  fitted.candidate_threshold_sigma = 4.0;
  fitted.max_lineness = 0.6;
  fitted.cluster_min_member_score = 0.05;
  return std::make_shared<LearnedScorer>(
      forest, FittedModel{PlattCalibration{10.0, -5.0}, PlattCalibration{0.5, 1.0}, provenance,
                          fitted, std::move(points)});
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::vector<float>> Probes() {
  const size_t n = CandidateFeatureNames().size();
  return {std::vector<float>(n, 1.0f), std::vector<float>(n, 9.0f)};
}

TEST(LearnedScorer, CalibratedProbabilitiesFollowTheForest) {
  const auto model = TinyModel();
  ASSERT_TRUE(model);
  const std::vector<double> p = model->Probabilities(Probes());
  EXPECT_LT(p[0], 0.2);
  EXPECT_GT(p[1], 0.8);
  // Cluster scores: Platt on the logit, monotone.
  EXPECT_LT(model->ClusterScore(WithMemberScore(0.2)), model->ClusterScore(WithMemberScore(0.6)));
  EXPECT_NEAR(model->ClusterScore(WithMemberScore(0.5)), (PlattCalibration{0.5, 1.0}.Apply(0.0)), 1e-12);
}

TEST(LearnedScorer, RefusesADetectorWithOtherSettings) {
  const auto model = TinyModel();
  ASSERT_TRUE(model);
  const DetectorParams fitted = model->FittedParams(DetectorParams());
  EXPECT_DOUBLE_EQ(fitted.candidate_threshold_sigma, 4.0);
  EXPECT_DOUBLE_EQ(fitted.max_lineness, 0.6);
  EXPECT_DOUBLE_EQ(fitted.cluster_min_member_score, 0.05);
  Detector detector;
  EXPECT_TRUE(Detector::Create(fitted, model, &detector).ok());
  // The hand-made detector's candidate stage is not the one the model knows.
  const Status other = Detector::Create(DetectorParams(), model, &detector);
  EXPECT_EQ(other.code(), ErrorCode::kBadParameter);
  EXPECT_NE(other.message().find("candidate_threshold_sigma"), std::string::npos)
      << other.message();
  DetectorParams rule = fitted;
  rule.cluster_link_distance_mm = 4.0;  // the cluster rule is recorded too
  EXPECT_EQ(Detector::Create(rule, model, &detector).code(), ErrorCode::kBadParameter);
  DetectorParams scale = fitted;
  scale.assumed_field_of_view_mm = 300;  // not a fitted stage: any value goes
  EXPECT_TRUE(Detector::Create(scale, model, &detector).ok());
}

TEST(ModelFile, SavesAndLoadsTheSameModel) {
  const auto model = TinyModel();
  ASSERT_TRUE(model);
  const std::string path = ::testing::TempDir() + "/learned_scorer_test_model.yml";
  ASSERT_TRUE(SaveModelFile(*model, path).ok());
  std::shared_ptr<const LearnedScorer> loaded;
  const Status s = LoadModelFile(path, &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(loaded->provenance().version, "test");
  const std::vector<double> p = model->Probabilities(Probes()), q = loaded->Probabilities(Probes());
  EXPECT_NEAR(q[0], p[0], 1e-6);
  EXPECT_NEAR(q[1], p[1], 1e-6);
  EXPECT_DOUBLE_EQ(loaded->ClusterScore(WithMemberScore(0.3)), model->ClusterScore(WithMemberScore(0.3)));
  for (const ParamInfo& info : DetectorParamTable()) {
    EXPECT_DOUBLE_EQ(info.get(loaded->fitted_params()), info.get(model->fitted_params()))
        << info.name;
  }
  std::remove(path.c_str());
}

TEST(ModelFile, OperatingPointsRoundTripAndAreOptional) {
  const std::vector<NamedOperatingPoint> points = {
      {"high_specificity", 0.5, 0.375, 0.17901234567901234, "test set, 3 images"},
      {"balanced", 0.177, 0.625, 0.42, "test set, 3 images"}};
  const std::string path = ::testing::TempDir() + "/learned_scorer_test_points.yml";
  ASSERT_TRUE(SaveModelFile(*TinyModel(points), path).ok());
  // The node as `mammocad eval --operating-points` prints it is the one the file holds.
  const std::string text = ReadText(path);
  EXPECT_NE(text.find(OperatingPointsYaml(points) + "forest:"), std::string::npos) << text;
  std::shared_ptr<const LearnedScorer> loaded;
  Status s = LoadModelFile(path, &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(loaded->OperatingPoints().size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    const NamedOperatingPoint& a = points[i];
    const NamedOperatingPoint& b = loaded->OperatingPoints()[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.min_score, a.min_score);  // exactly: thresholds are compared with scores
    EXPECT_EQ(b.sensitivity, a.sensitivity);
    EXPECT_EQ(b.fp_per_image, a.fp_per_image);
    EXPECT_EQ(b.measured_on, a.measured_on);
  }
  // Without points (a freshly trained model, or one saved before they existed) the file has
  // no node and loads with none.
  ASSERT_TRUE(SaveModelFile(*TinyModel(), path).ok());
  EXPECT_EQ(ReadText(path).find("operating_points"), std::string::npos);
  s = LoadModelFile(path, &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(loaded->OperatingPoints().empty());
  // Recalibrated cluster scores make the old thresholds meaningless: they are dropped.
  EXPECT_TRUE(TinyModel(points)->WithClusterCalibration({1, 0})->OperatingPoints().empty());
  std::remove(path.c_str());
}

TEST(ModelFile, MalformedOperatingPointsAreRefused) {
  const std::string path = ::testing::TempDir() + "/learned_scorer_test_bad_points.yml";
  const std::vector<std::vector<NamedOperatingPoint>> bad = {
      {{"", 0.5, 0.5, 0.2, "x"}},                                   // no name
      {{"balanced", 1.5, 0.5, 0.2, "x"}},                           // min_score above 1
      {{"balanced", 0.5, 0.5, -1, "x"}},                            // negative FP/image
      {{"balanced", 0.5, 0.5, 0.2, "x"}, {"balanced", 0.4, 0.6, 0.3, "x"}}};  // twice
  for (const std::vector<NamedOperatingPoint>& points : bad) {
    ASSERT_TRUE(SaveModelFile(*TinyModel(points), path).ok());
    std::shared_ptr<const LearnedScorer> loaded;
    const Status s = LoadModelFile(path, &loaded);
    EXPECT_EQ(s.code(), ErrorCode::kBadParameter) << points.front().name;
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("operating point"), std::string::npos) << s.message();
  }
  // Not a list.
  std::string text = ReadText(path);
  const size_t node = text.find("operating_points:");
  text.replace(node, text.find("forest:") - node, "operating_points: 3\n");
  std::ofstream(path) << text;
  std::shared_ptr<const LearnedScorer> loaded;
  const Status s = LoadModelFile(path, &loaded);
  EXPECT_EQ(s.code(), ErrorCode::kBadParameter);
  EXPECT_NE(s.message().find("operating_points must be a list"), std::string::npos) << s.message();
  std::remove(path.c_str());
}

TEST(ModelFile, MissingCorruptOrIncompleteModelsAreClearErrors) {
  std::shared_ptr<const LearnedScorer> model;
  const Status missing = LoadModelFile("/nonexistent/calc.yml", &model);
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  EXPECT_NE(missing.message().find("/nonexistent/calc.yml"), std::string::npos);
  const std::string path = ::testing::TempDir() + "/learned_scorer_test_corrupt.yml";
  for (const char* text : {"%YAML:1.0\n---\nkind: something-else\n", "\x01\x02garbage{{{\n",
                           "%YAML:1.0\n---\nkind: mammocad-candidate-scorer\nformat: 99\n"}) {
    std::ofstream(path) << text;
    const Status s = LoadModelFile(path, &model);
    EXPECT_FALSE(s.ok()) << text;
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  }
  // A model that does not record one of its fitted settings is refused, naming it.
  const auto tiny = TinyModel();
  ASSERT_TRUE(tiny);
  ASSERT_TRUE(SaveModelFile(*tiny, path).ok());
  std::string text = ReadText(path);
  const size_t line = text.find("   cluster_link_distance_mm:");
  ASSERT_NE(line, std::string::npos);
  text.erase(line, text.find('\n', line) + 1 - line);
  std::ofstream(path) << text;
  const Status s = LoadModelFile(path, &model);
  EXPECT_EQ(s.code(), ErrorCode::kBadParameter);
  EXPECT_NE(s.message().find("cluster_link_distance_mm"), std::string::npos) << s.message();
  std::remove(path.c_str());
}

TEST(LearnedScorer, DetectorUsesItsProbabilities) {
  const auto model = TinyModel();
  ASSERT_TRUE(model);
  SyntheticOptions o;
  o.width = o.height = 512;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  Detector detector;
  ASSERT_TRUE(Detector::Create(model->FittedParams(DetectorParams()), model, &detector).ok());
  DetectOptions options;
  options.level = FindingLevel::kCalcification;
  DetectionResult result;
  CandidateTrace trace;
  ASSERT_TRUE(DetectWithTrace(detector, m.image, options, &result, &trace).ok());
  ASSERT_FALSE(trace.candidates.empty());
  ASSERT_EQ(trace.features.size(), trace.candidates.size());
  const std::vector<double> p = model->Probabilities(trace.features);
  for (size_t i = 0; i < p.size(); ++i) EXPECT_DOUBLE_EQ(trace.candidates[i].score, p[i]);
  EXPECT_EQ(result.findings.size(), trace.candidates.size());
}

}  // namespace
}  // namespace mammocad

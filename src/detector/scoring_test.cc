#include "mammocad/scoring.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <random>

#include "synth/synthetic.h"
#include "eval/training.h"

namespace mammocad {
namespace {

TEST(Platt, RecoversAKnownSigmoid) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> raw(-1.0, 2.0), unit(0.0, 1.0);
  const PlattCalibration truth{3.0, -2.0};
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 20000; ++i) {
    x.push_back(raw(rng));
    y.push_back(unit(rng) < truth.Apply(x.back()) ? 1 : 0);
  }
  const PlattCalibration fit = FitPlatt(x, y);
  EXPECT_NEAR(fit.a, truth.a, 0.2);
  EXPECT_NEAR(fit.b, truth.b, 0.15);
}

TEST(Platt, SeparableClassesStayFinite) {
  const PlattCalibration fit = FitPlatt({0.0, 0.1, 0.9, 1.0}, {0, 0, 1, 1});
  EXPECT_TRUE(std::isfinite(fit.a) && std::isfinite(fit.b));
  EXPECT_LT(fit.Apply(0.0), 0.5);
  EXPECT_GT(fit.Apply(1.0), 0.5);
}

// Cluster logits span ±20 (scores clamped at 1e-9): a plain Newton step diverged here (the
// calc-v3 training gave a = 6.6e9). The fit must stay moderate and rank like the input.
TEST(Platt, WideRangeOfRawValuesConverges) {
  std::vector<double> x;
  std::vector<int> y;
  for (int i = 0; i < 150; ++i) {
    x.push_back(-20.7);  // many certain negatives
    y.push_back(0);
  }
  for (int i = 0; i < 20; ++i) {
    x.push_back(-3.0 + 0.3 * i);  // an overlap region
    y.push_back(i % 3 == 0 ? 1 : 0);
  }
  for (int i = 0; i < 140; ++i) {
    x.push_back(2.0 + 0.13 * i);  // positives up to +20
    y.push_back(1);
  }
  const PlattCalibration fit = FitPlatt(x, y);
  ASSERT_TRUE(std::isfinite(fit.a) && std::isfinite(fit.b));
  EXPECT_GT(fit.a, 0);
  EXPECT_LT(fit.a, 20);
  EXPECT_LT(fit.Apply(-20.7), 0.05);
  EXPECT_GT(fit.Apply(10.0), 0.95);
  EXPECT_GT(fit.Apply(0.0), fit.Apply(-1.0));  // strictly monotone, not a step
  EXPECT_LT(fit.Apply(0.0), fit.Apply(1.0));
}

TEST(RocAuc, KnownValues) {
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);  // ties count half
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.6, 0.4, 0.9}, {0, 0, 1, 1}), 0.75);
}

// A flat image with one bright spot and one bright line.
void SpotAndLine(cv::Mat1f* image, std::vector<Calcification>* calcs) {
  *image = cv::Mat1f(200, 200, 0.5f);
  cv::circle(*image, cv::Point(60, 100), 2, cv::Scalar(0.6), -1);
  cv::line(*image, cv::Point(120, 40), cv::Point(120, 160), cv::Scalar(0.6), 2);
  Calcification spot, line;
  spot.centre = {60, 100};
  spot.box = cv::Rect(58, 98, 5, 5);
  spot.diameter_mm = 0.5;
  spot.contrast = 9;
  line.centre = {120, 100};
  line.box = cv::Rect(119, 97, 3, 7);
  line.diameter_mm = 0.5;
  line.contrast = 8;
  *calcs = {spot, line};
}

TEST(CandidateFeatures, OneRowPerCandidateWithMeaningfulValues) {
  cv::Mat1f image;
  std::vector<Calcification> calcs;
  SpotAndLine(&image, &calcs);
  cv::Mat1f response;  // a stand-in for the enhanced image: the excess over the background
  cv::subtract(image, 0.5, response);
  const auto f = ComputeCandidateFeatures(image, response, cv::Mat1b(), calcs, 0.1, DetectorParams());
  ASSERT_EQ(f.size(), 2u);
  const auto& names = CandidateFeatureNames();
  ASSERT_EQ(f[0].size(), names.size());
  // Every feature read below must exist: an unknown name would index past the row's end.
  const auto index = [&](const std::string& name) {
    return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  for (const char* name :
       {"contrast_sigma", "lineness", "dog_0.45mm", "neighbours_5mm", "aspect"}) {
    ASSERT_LT(index(name), names.size()) << "no feature named " << name;
  }
  EXPECT_FLOAT_EQ(f[0][index("contrast_sigma")], 9);
  EXPECT_LT(f[0][index("lineness")], 0.3);  // a spot
  EXPECT_GT(f[1][index("lineness")], 0.9);  // a line
  EXPECT_GT(f[0][index("dog_0.45mm")], 0);  // bright against its surroundings
  EXPECT_FLOAT_EQ(f[0][index("neighbours_5mm")], 0);  // 6 mm apart
  EXPECT_GT(f[1][index("aspect")], 2);
  for (const auto& row : f) {
    for (float v : row) EXPECT_TRUE(std::isfinite(v));
  }
}

// tissue_level places a candidate between the breast's fatty (5th percentile) and dense (95th)
// grey levels, so it reads the same on any grey scale; pixels outside the mask do not count.
TEST(CandidateFeatures, TissueLevelIsRelativeToTheBreast) {
  const auto names = CandidateFeatureNames();
  const size_t tissue = std::find(names.begin(), names.end(), "tissue_level") - names.begin();
  ASSERT_LT(tissue, names.size());
  for (float scale : {1.0f, 0.25f}) {  // the same breast on a full and on a compressed grey scale
    cv::Mat1f image(200, 300, 0.0f);      // columns 200..299: background, outside the breast
    image(cv::Rect(0, 0, 100, 200)).setTo(0.2 * scale);   // fat
    image(cv::Rect(100, 0, 100, 200)).setTo(0.6 * scale); // dense tissue
    cv::Mat1b breast(200, 300, static_cast<unsigned char>(0));
    breast(cv::Rect(0, 0, 200, 200)).setTo(255);
    std::vector<Calcification> calcs(2);
    calcs[0].centre = {50, 100};   // in fat
    calcs[1].centre = {150, 100};  // in dense tissue
    for (Calcification& c : calcs) {
      c.box = cv::Rect(static_cast<int>(c.centre.x) - 1, static_cast<int>(c.centre.y) - 1, 3, 3);
      c.diameter_mm = 0.3;
      c.contrast = 6;
    }
    const auto f = ComputeCandidateFeatures(image, image, breast, calcs, 0.1, DetectorParams());
    ASSERT_EQ(f.size(), 2u);
    EXPECT_NEAR(f[0][tissue], 0.0, 0.02) << "scale " << scale;
    EXPECT_NEAR(f[1][tissue], 1.0, 0.02) << "scale " << scale;
  }
}

// A small forest on separable data: label = feature 0 above 5.
std::shared_ptr<const CandidateScorer> TinyModel() {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> unit(0.0f, 10.0f);
  std::vector<std::vector<float>> x, cx;
  std::vector<int> y, cy;
  const size_t n = CandidateFeatureNames().size();
  for (int i = 0; i < 600; ++i) {
    std::vector<float> row(n);
    for (float& v : row) v = unit(rng);
    (i % 3 == 0 ? cx : x).push_back(row);
    (i % 3 == 0 ? cy : y).push_back(row[0] > 5 ? 1 : 0);
  }
  ModelProvenance provenance;
  provenance.version = "test";
  provenance.candidate_threshold_sigma = 4.0;
  provenance.max_lineness = 0.6;
  std::shared_ptr<const CandidateScorer> model;
  EXPECT_TRUE(CandidateScorer::Train(x, y, cx, cy, 7, provenance, &model).ok());
  return model;
}

TEST(CandidateScorer, TrainsSavesAndLoadsTheSameModel) {
  const auto model = TinyModel();
  ASSERT_TRUE(model);
  const size_t n = CandidateFeatureNames().size();
  std::vector<std::vector<float>> probe = {std::vector<float>(n, 1.0f), std::vector<float>(n, 9.0f)};
  const std::vector<double> p = model->Probabilities(probe);
  EXPECT_LT(p[0], 0.2);
  EXPECT_GT(p[1], 0.8);
  const std::string path = testing::TempDir() + "/scoring_test_model.yml";
  ASSERT_TRUE(model->Save(path).ok());
  std::shared_ptr<const CandidateScorer> loaded;
  ASSERT_TRUE(CandidateScorer::Load(path, &loaded).ok());
  EXPECT_EQ(loaded->provenance().version, "test");
  EXPECT_DOUBLE_EQ(loaded->provenance().candidate_threshold_sigma, 4.0);
  const std::vector<double> q = loaded->Probabilities(probe);
  EXPECT_NEAR(q[0], p[0], 1e-6);
  EXPECT_NEAR(q[1], p[1], 1e-6);
  const DetectorParams params = ParamsForScorer(*loaded, DetectorParams());
  EXPECT_DOUBLE_EQ(params.candidate_threshold_sigma, 4.0);
  EXPECT_DOUBLE_EQ(params.max_lineness, 0.6);
  std::remove(path.c_str());
}

TEST(CandidateScorer, MissingOrCorruptModelsAreClearErrors) {
  std::shared_ptr<const CandidateScorer> model;
  const Status missing = CandidateScorer::Load("/nonexistent/calc.yml", &model);
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  EXPECT_NE(missing.message().find("/nonexistent/calc.yml"), std::string::npos);
  const std::string path = testing::TempDir() + "/scoring_test_corrupt.yml";
  for (const char* text : {"%YAML:1.0\n---\nkind: something-else\n", "\x01\x02garbage{{{\n",
                           "%YAML:1.0\n---\nkind: mammocad-candidate-scorer\nformat: 99\n"}) {
    std::ofstream(path) << text;
    const Status s = CandidateScorer::Load(path, &model);
    EXPECT_FALSE(s.ok()) << text;
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  }
  std::remove(path.c_str());
}

TEST(CandidateScorer, DetectorUsesItsProbabilities) {
  const auto model = TinyModel();
  SyntheticOptions o;
  o.width = o.height = 512;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  const Detector detector(ParamsForScorer(*model, DetectorParams()), model);
  DetectOptions options;
  options.level = FindingLevel::kCalcification;
  options.keep_candidates = true;
  DetectionResult result;
  ASSERT_TRUE(detector.Detect(m.image, options, &result).ok());
  ASSERT_FALSE(result.candidates.empty());
  ASSERT_EQ(result.candidate_features.size(), result.candidates.size());
  const std::vector<double> p = model->Probabilities(result.candidate_features);
  for (size_t i = 0; i < p.size(); ++i) EXPECT_DOUBLE_EQ(result.candidates[i].score, p[i]);
}

}  // namespace
}  // namespace mammocad

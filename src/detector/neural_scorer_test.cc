// The shipped neural scorer (models/calc-nn-v4.yml and its ONNX network) and its manifest checks.
#include "detector/neural_scorer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "detector/candidate_trace.h"
#include "detector/stages.h"
#include "mammocad/detector.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

std::filesystem::path Models() { return std::filesystem::path(MAMMOCAD_SOURCE_DIR) / "models"; }

std::shared_ptr<const NeuralScorer> Shipped() {
  std::shared_ptr<const NeuralScorer> scorer;
  const Status s = NeuralScorer::Load((Models() / "calc-nn-v4.yml").string(), &scorer);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return scorer;
}

TEST(NeuralScorer, TheShippedModelLoadsWithItsProvenance) {
  const auto scorer = Shipped();
  ASSERT_TRUE(scorer);
  EXPECT_EQ(scorer->provenance().version, "calc-nn-v4");
  EXPECT_EQ(scorer->provenance().seed, 1u);
  EXPECT_GT(scorer->provenance().training_candidates, 1000);
  EXPECT_EQ(scorer->geometry().size_px, 32);
  EXPECT_DOUBLE_EQ(scorer->geometry().spacing_mm, 0.1);
  // It refuses the hand-made detector's candidate stage and takes its own.
  Detector detector;
  EXPECT_EQ(Detector::Create(DetectorParams(), scorer, &detector).code(),
            ErrorCode::kBadParameter);
  EXPECT_TRUE(Detector::Create(scorer->FittedParams(DetectorParams()), scorer, &detector).ok());
}

// Cluster findings do not change when the candidates no cluster can hold go unscored (the
// network's work saved when only clusters are asked for): a run with a trace scores them all.
TEST(NeuralScorer, UnscoredLoneCandidatesChangeNoCluster) {
  const auto scorer = Shipped();
  ASSERT_TRUE(scorer);
  Detector detector;
  ASSERT_TRUE(Detector::Create(scorer->FittedParams(DetectorParams()), scorer, &detector).ok());
  SyntheticOptions o = WithBenignAndArtefacts(RealisticSyntheticOptions(0.07, 4, 2048), 4);
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  DetectionResult fast, full;
  CandidateTrace trace;
  ASSERT_TRUE(detector.Detect(m.image, DetectOptions(), &fast).ok());
  ASSERT_TRUE(DetectWithTrace(detector, m.image, DetectOptions(), &full, &trace).ok());
  const std::vector<bool> could =
      detail::CouldJoinACluster(trace.candidates, full.spacing_mm, detector.params());
  const auto alone = std::count(could.begin(), could.end(), false);
  std::printf("%zu candidates, %ld that no cluster can hold\n", could.size(), long(alone));
  ASSERT_GT(alone, 0) << "the test needs lone candidates";
  ASSERT_GT(full.findings.size(), 0u);
  ASSERT_EQ(fast.findings.size(), full.findings.size());
  for (size_t i = 0; i < full.findings.size(); ++i) {
    EXPECT_EQ(fast.findings[i].box, full.findings[i].box) << i;
    EXPECT_NEAR(fast.findings[i].score, full.findings[i].score, 1e-6) << i;
    EXPECT_EQ(fast.findings[i].members.size(), full.findings[i].members.size()) << i;
  }
}

// Split over threads (each with its own copy of the network), the logits are the same.
TEST(NeuralScorer, LogitsOnSeveralThreadsAreTheOnesOnOne) {
  const auto scorer = Shipped();
  ASSERT_TRUE(scorer);
  const int dims[] = {300, scorer->geometry().channels, scorer->geometry().size_px,
                      scorer->geometry().size_px};
  cv::Mat patches(4, dims, CV_32F);
  cv::randn(patches, 0.0, 2.0);
  const std::vector<float> one = scorer->Logits(patches, 1);
  ASSERT_EQ(one.size(), 300u);
  for (int threads : {2, 3}) {
    const std::vector<float> many = scorer->Logits(patches, threads);
    ASSERT_EQ(many.size(), one.size()) << threads;
    for (size_t i = 0; i < one.size(); ++i) EXPECT_NEAR(many[i], one[i], 1e-5) << i;
  }
}

TEST(NeuralScorer, FindsSyntheticClustersAndConcurrentCallsAgree) {
  const auto scorer = Shipped();
  ASSERT_TRUE(scorer);
  Detector detector;
  ASSERT_TRUE(Detector::Create(scorer->FittedParams(DetectorParams()), scorer, &detector).ok());
  SyntheticOptions o;
  o.seed = 3;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  DetectionResult serial;
  ASSERT_TRUE(detector.Detect(m.image, DetectOptions(), &serial).ok());
  ASSERT_FALSE(serial.findings.empty());
  int hit = 0;
  for (const SyntheticCluster& c : m.clusters) {
    for (const Finding& f : serial.findings) {
      if (f.score > 0.5 && f.box.contains(cv::Point(c.centre))) {
        ++hit;
        break;
      }
    }
  }
  EXPECT_EQ(hit, static_cast<int>(m.clusters.size())) << "every inserted cluster, confidently";
  for (const Finding& f : serial.findings) {
    EXPECT_GE(f.score, 0.0);
    EXPECT_LE(f.score, 1.0);
  }
  std::vector<DetectionResult> results(3);
  std::vector<Status> statuses(3, Status(ErrorCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back(
        [&, t] { statuses[t] = detector.Detect(m.image, DetectOptions(), &results[t]); });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 3; ++t) {
    ASSERT_TRUE(statuses[t].ok()) << statuses[t].ToString();
    ASSERT_EQ(results[t].findings.size(), serial.findings.size());
    for (size_t i = 0; i < serial.findings.size(); ++i) {
      EXPECT_EQ(results[t].findings[i].box, serial.findings[i].box);
      EXPECT_NEAR(results[t].findings[i].score, serial.findings[i].score, 1e-6);
    }
  }
}

// A copy of the shipped model in a temporary folder, to damage.
std::filesystem::path CopyShipped(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* file : {"calc-nn-v4.yml", "calc-nn-v4.onnx"}) {
    std::filesystem::copy_file(Models() / file, dir / file);
  }
  return dir;
}

TEST(NeuralScorer, DamagedOrMissingModelsAreClearErrors) {
  std::shared_ptr<const NeuralScorer> scorer;
  EXPECT_EQ(NeuralScorer::Load("/nonexistent/nn.yml", &scorer).code(), ErrorCode::kIoError);
  // A network that is not the one the manifest names: refused by its checksum.
  std::filesystem::path dir = CopyShipped("neural_damaged");
  std::ofstream(dir / "calc-nn-v4.onnx", std::ios::app) << "x";
  Status s = NeuralScorer::Load((dir / "calc-nn-v4.yml").string(), &scorer);
  EXPECT_EQ(s.code(), ErrorCode::kBadParameter);
  EXPECT_NE(s.message().find("checksum"), std::string::npos) << s.message();
  // A manifest without its network.
  dir = CopyShipped("neural_missing");
  std::filesystem::remove(dir / "calc-nn-v4.onnx");
  s = NeuralScorer::Load((dir / "calc-nn-v4.yml").string(), &scorer);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("calc-nn-v4.onnx"), std::string::npos) << s.message();
  // The learned scorer's file is not a neural manifest.
  s = NeuralScorer::Load((Models() / "calc-v3.yml").string(), &scorer);
  EXPECT_EQ(s.code(), ErrorCode::kBadParameter);
  EXPECT_NE(s.message().find("not a mammocad neural model"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace mammocad

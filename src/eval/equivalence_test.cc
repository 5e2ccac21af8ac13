// The same findings as before the issue-14 refactor (layers, scorer seam, tables): the default
// and the learned detector over the mini-MIAS dev split and a synthetic set, compared with the
// findings recorded before it (tests/equivalence/pre-refactor-findings.txt) by box IoU >= 0.9
// and score within 1e-6, as OpenCV's dnn tests compare detections.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "eval/evaluation.h"
#include "mammocad/detector.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

constexpr double kMinIou = 0.9;
constexpr double kScoreTolerance = 1e-6;

// (set, image, scorer) -> findings as [score, x, y, w, h].
using Recorded = std::map<std::string, std::vector<Finding>>;

std::string Key(const std::string& set, const std::string& image, const std::string& scorer) {
  return set + " " + image + " " + scorer;
}

Recorded ReadRecorded() {
  Recorded recorded;
  std::ifstream in(std::string(MAMMOCAD_SOURCE_DIR) + "/tests/equivalence/pre-refactor-findings.txt");
  EXPECT_TRUE(in) << "the recorded findings are missing";
  std::string line, current;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string kind;
    row >> kind;
    if (kind == "image") {
      std::string set, image, scorer;
      row >> set >> image >> scorer;
      current = Key(set, image, scorer);
      recorded[current];
    } else if (kind == "finding") {
      Finding f;
      row >> f.score >> f.box.x >> f.box.y >> f.box.width >> f.box.height;
      recorded[current].push_back(f);
    }
  }
  return recorded;
}

double Iou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  return inter / (a.area() + b.area() - inter);
}

struct Agreement {
  int images = 0, findings = 0;
  double min_iou = 1.0, max_score_difference = 0.0;
};

// Each recorded finding must have its own current one (same order of scores, up to ties).
void Compare(const std::string& key, const std::vector<Finding>& recorded,
             const std::vector<Finding>& now, Agreement* agreement) {
  ++agreement->images;
  ASSERT_EQ(now.size(), recorded.size()) << key;
  std::vector<bool> used(now.size(), false);
  for (const Finding& r : recorded) {
    int best = -1;
    double best_iou = 0;
    for (size_t j = 0; j < now.size(); ++j) {
      if (used[j] || std::abs(now[j].score - r.score) > kScoreTolerance) continue;
      const double iou = Iou(now[j].box, r.box);
      if (iou > best_iou) best = static_cast<int>(j), best_iou = iou;
    }
    ASSERT_GE(best, 0) << key << ": no finding now with score " << r.score << " at " << r.box;
    EXPECT_GE(best_iou, kMinIou) << key << " at " << r.box;
    used[best] = true;
    ++agreement->findings;
    agreement->min_iou = std::min(agreement->min_iou, best_iou);
    agreement->max_score_difference =
        std::max(agreement->max_score_difference, std::abs(now[best].score - r.score));
  }
}

// The default and the learned detector, made as the CLI makes them.
struct Detectors {
  std::unique_ptr<Detector> handmade, learned;

  Detectors() {
    EXPECT_TRUE(MakeDetector(ScorerChoice(), &handmade).ok());
    ScorerChoice choice;
    choice.scorer = "learned";
    choice.model_path = std::string(MAMMOCAD_SOURCE_DIR) + "/models/calc-v3.yml";
    const Status s = MakeDetector(choice, &learned);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  // Both detectors on one image of `set`, compared with what was recorded for it.
  void Check(const Recorded& recorded, const std::string& set, const std::string& name,
             const Image& image, const DetectOptions& options, Agreement* agreement) const {
    ASSERT_TRUE(handmade && learned);
    for (const auto& [scorer, detector] :
         {std::pair{"handmade", handmade.get()}, std::pair{"learned", learned.get()}}) {
      const std::string key = Key(set, name, scorer);
      ASSERT_TRUE(recorded.count(key)) << key;
      DetectionResult r;
      ASSERT_TRUE(detector->Detect(image, options, &r).ok()) << key;
      Compare(key, recorded.at(key), r.findings, agreement);
    }
  }
};

void Report(const char* set, const Agreement& a) {
  std::printf("%s: %d image runs, %d findings as recorded; min IoU %.6f, max |score change| %.3g\n",
              set, a.images, a.findings, a.min_iou, a.max_score_difference);
}

TEST(Equivalence, SyntheticSetAsBeforeTheRefactor) {
  const Recorded recorded = ReadRecorded();
  const Detectors d;
  Agreement agreement;
  for (int i = 0; i < 8; ++i) {  // the recorder's set: realistic images at 100 and 70 um
    const SyntheticOptions o =
        RealisticSyntheticOptions(i % 2 ? 0.07 : 0.1, SyntheticSeed(14, i), 1536);
    DetectOptions detect;
    detect.spacing_override_mm = o.spacing_mm;
    d.Check(recorded, "synthetic", "realistic-" + std::to_string(i),
            MakeSyntheticMammogram(o).image, detect, &agreement);
  }
  for (std::uint64_t seed : {3, 4}) {  // every calcification (member scores) of legacy images
    SyntheticOptions o;
    o.seed = seed;
    DetectOptions detect;
    detect.spacing_override_mm = o.spacing_mm;
    detect.level = FindingLevel::kCalcification;
    d.Check(recorded, "synthetic", "legacy-calcifications-" + std::to_string(seed),
            MakeSyntheticMammogram(o).image, detect, &agreement);
  }
  EXPECT_EQ(agreement.images, 20);
  EXPECT_GT(agreement.findings, 100);
  Report("synthetic", agreement);
}

TEST(Equivalence, MiasDevSplitAsBeforeTheRefactor) {
  const char* env = std::getenv("MAMMOCAD_SHARED_DATA_DIR");
  const std::filesystem::path dir =
      std::filesystem::path(env && *env ? env : MAMMOCAD_SHARED_DATA_DIR) / "mini-mias-dev";
  if (!std::filesystem::exists(dir / "annotations.txt")) {
    GTEST_SKIP() << "mini-MIAS data not found at " << dir << ": skipping";
  }
  const Recorded recorded = ReadRecorded();
  const Detectors d;
  std::vector<std::string> paths;
  ASSERT_TRUE(ListImages(dir.string(), &paths).ok());
  ASSERT_EQ(paths.size(), 162u);
  DetectOptions detect;
  detect.spacing_override_mm = 0.2;
  Agreement agreement;
  for (const std::string& path : paths) {
    Image image;
    ASSERT_TRUE(LoadImageFile(path, &image).ok()) << path;
    d.Check(recorded, "dev", ImageKey(path), image, detect, &agreement);
  }
  EXPECT_EQ(agreement.images, 324);
  Report("mini-MIAS dev", agreement);
}

}  // namespace
}  // namespace mammocad

#include "eval/training.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "synth/synthetic.h"

namespace mammocad {
namespace {

// Synthetic films written as PNG files, half of them with clusters, and their truth by stem.
struct AnnotatedFolder {
  std::filesystem::path dir;
  std::vector<std::string> paths;
  GroundTruth truth;
  int lesions = 0;
};

AnnotatedFolder WriteFilms(int films, double spacing_mm) {
  AnnotatedFolder folder;
  // One folder per test: ctest runs the tests of this file at the same time.
  folder.dir = std::filesystem::temp_directory_path() /
               (std::string("mammocad-training-test-") +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(folder.dir);
  for (int i = 0; i < films; ++i) {
    SyntheticOptions o;
    o.width = o.height = 512;
    o.spacing_mm = spacing_mm;
    o.seed = 100 + i;
    o.clusters = i % 2 == 0 ? 1 : 0;
    const SyntheticMammogram m = MakeSyntheticMammogram(o);
    const std::string stem = "film" + std::to_string(i);
    const std::string path = (folder.dir / (stem + ".png")).string();
    EXPECT_TRUE(cv::imwrite(path, m.image.pixels));
    folder.paths.push_back(path);
    std::vector<TruthLesion>& lesions = folder.truth[stem];
    for (const SyntheticCluster& c : m.clusters) {
      lesions.push_back({c.centre, static_cast<float>(c.radius_px)});
    }
    folder.lesions += static_cast<int>(lesions.size());
  }
  return folder;
}

TrainingOptions SmallTraining(const AnnotatedFolder& folder, double spacing_mm) {
  TrainingOptions o;
  o.images = 4;
  o.max_side_px = 512;
  o.spacings_mm = {spacing_mm};
  o.annotated_films = folder.paths;
  o.annotated_truth = folder.truth;
  o.film_spacing_mm = spacing_mm;
  o.threads = 2;
  return o;
}

TEST(CrossValidate, RefusesImpossibleFoldCounts) {
  TrainingOptions o;
  o.annotated_films = {"a.png", "b.png"};
  EvaluationReport report;
  EXPECT_EQ(CrossValidate(o, 1, nullptr, &report).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(CrossValidate(o, 3, nullptr, &report).code(), ErrorCode::kBadParameter);
}

// Every film is evaluated exactly once, by a model that did not see it, and the pooled curve
// counts every lesion of every fold.
TEST(CrossValidate, PoolsEveryFilmOnceWithGlobalLesionIndices) {
  constexpr double kSpacing = 0.1;
  const AnnotatedFolder folder = WriteFilms(6, kSpacing);
  ASSERT_GT(folder.lesions, 0);
  int progress_calls = 0;
  EvaluationReport report;
  const Status s = CrossValidate(SmallTraining(folder, kSpacing), 3,
                                 [&](int done, int total) {
                                   ++progress_calls;
                                   EXPECT_EQ(total, 3);
                                   EXPECT_EQ(done, progress_calls);
                                 },
                                 &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(progress_calls, 3);
  ASSERT_EQ(report.images.size(), 6u);
  std::set<std::string> names;
  for (const ImageEvaluation& e : report.images) names.insert(e.name);
  EXPECT_EQ(names.size(), 6u);
  EXPECT_EQ(report.cluster_curve.lesions, folder.lesions);
  EXPECT_EQ(report.cluster_curve.images, 6);
  std::set<int> hit;
  for (const ImageEvaluation& e : report.images) {
    for (const ScoredFinding& f : e.findings) {
      EXPECT_LT(f.lesion, folder.lesions);
      if (f.lesion >= 0) hit.insert(f.lesion);
    }
  }
  // Clear synthetic clusters: the held-out models find most of them.
  EXPECT_GE(static_cast<int>(hit.size()) * 2, folder.lesions);
  std::filesystem::remove_all(folder.dir);
}

// Annotated films alone (no simulated spots beyond four images) train a usable model whose
// provenance records them and the member floor.
TEST(TrainCandidateScorer, LearnsFromAnnotatedFilms) {
  constexpr double kSpacing = 0.1;
  const AnnotatedFolder folder = WriteFilms(8, kSpacing);
  TrainingOptions o = SmallTraining(folder, kSpacing);
  o.min_member_probability = 0.01;
  std::shared_ptr<const LearnedScorer> scorer;
  TrainingReport report;
  const Status s = TrainCandidateScorer(o, nullptr, &scorer, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.images, 4 + 8);
  EXPECT_DOUBLE_EQ(scorer->fitted_params().cluster_min_member_score, 0.01);
  EXPECT_NE(scorer->provenance().description.find("8 annotated films"), std::string::npos);
  EXPECT_GT(report.model_auc, report.handmade_auc - 0.05);
  std::filesystem::remove_all(folder.dir);
}

TEST(RocAuc, KnownValues) {
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);  // ties count half
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.6, 0.4, 0.9}, {0, 0, 1, 1}), 0.75);
}

}  // namespace
}  // namespace mammocad

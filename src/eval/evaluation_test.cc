#include "eval/evaluation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

namespace mammocad {
namespace {

TEST(GroundTruth, CsvWithHeaderCommentsAndStems) {
  GroundTruth truth;
  ASSERT_TRUE(ParseCsvTruth("image,x,y,radius\n# a comment\n\na.png, 10, 20, 5\n"
                            "a,30,40,6\nb.dcm,1.5,2.5,0\n",
                            &truth)
                  .ok());
  ASSERT_EQ(truth.size(), 2u);
  ASSERT_EQ(truth["a"].size(), 2u);
  EXPECT_FLOAT_EQ(truth["a"][0].centre.x, 10);
  EXPECT_FLOAT_EQ(truth["a"][0].centre.y, 20);  // y from the top: taken as is
  EXPECT_FLOAT_EQ(truth["a"][1].radius, 6);
  EXPECT_FLOAT_EQ(truth["b"][0].centre.y, 2.5f);
}

TEST(GroundTruth, CsvErrorsNameTheLine) {
  GroundTruth truth;
  const Status s = ParseCsvTruth("image,x,y,radius\na,1,2,3\na,1,two,3\n", &truth);
  EXPECT_EQ(s.code(), ErrorCode::kBadParameter);
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
  EXPECT_EQ(ParseCsvTruth("a,1,2\n", &truth).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ParseCsvTruth("a,1,2,-1\n", &truth).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ReadCsvTruth("/nonexistent/truth.csv", &truth).code(), ErrorCode::kIoError);
}

TEST(GroundTruth, FromMiasKeepsNormalImagesAndCalcificationCircles) {
  std::vector<MiasAnnotation> rows(3);
  ASSERT_TRUE(ParseMiasAnnotation("mdb001 G CIRC B 535 425 197", &rows[0]).ok());
  ASSERT_TRUE(ParseMiasAnnotation("mdb003 D NORM", &rows[1]).ok());
  ASSERT_TRUE(ParseMiasAnnotation("mdb209 G CALC M 647 503 87", &rows[2]).ok());
  rows.push_back(rows[2]);
  rows.back().centre.x = 100;  // a second circle on the same image
  const GroundTruth truth = TruthFromMias(rows);
  EXPECT_EQ(truth.size(), 3u);
  EXPECT_TRUE(truth.at("mdb001").empty());  // a mass is not a calcification lesion
  EXPECT_TRUE(truth.at("mdb003").empty());
  ASSERT_EQ(truth.at("mdb209").size(), 2u);
  EXPECT_FLOAT_EQ(truth.at("mdb209")[0].centre.y, 1024 - 503);
}

TEST(GroundTruth, HitRule) {
  MiasAnnotation a;
  ASSERT_TRUE(ParseMiasAnnotation("x G CALC B 100 924 10", &a).ok());  // centre (100, 100)
  const TruthLesion lesion{a.centre, a.radius};
  EXPECT_TRUE(HitsLesion(cv::Rect(95, 95, 8, 8), lesion));     // centre inside the circle
  EXPECT_FALSE(HitsLesion(cv::Rect(60, 60, 60, 20), lesion));  // rows 60..80: neither
  EXPECT_TRUE(HitsLesion(cv::Rect(90, 60, 200, 200), lesion)); // box holds the lesion centre
  EXPECT_FALSE(HitsLesion(cv::Rect(300, 300, 10, 10), lesion));
}

TEST(GroundTruth, MatchPicksTheNearestLesion) {
  const std::vector<TruthLesion> lesions = {{{100, 100}, 50}, {{130, 100}, 50}, {{500, 500}, 5}};
  EXPECT_EQ(MatchLesion(cv::Rect(118, 98, 4, 4), lesions), 1);
  EXPECT_EQ(MatchLesion(cv::Rect(98, 98, 4, 4), lesions), 0);
  EXPECT_EQ(MatchLesion(cv::Rect(300, 300, 4, 4), lesions), -1);
}

TEST(Evaluation, ListImagesByExtensionSorted) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "eval_list";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* name : {"b.PNG", "a.pgm", "notes.txt", "c.dcm"}) std::ofstream(dir / name) << "x";
  std::vector<std::string> paths;
  ASSERT_TRUE(ListImages(dir.string(), &paths).ok());
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(std::filesystem::path(paths[0]).filename(), "a.pgm");
  EXPECT_EQ(std::filesystem::path(paths[2]).filename(), "c.dcm");
  EXPECT_EQ(ListImages((dir / "missing").string(), &paths).code(), ErrorCode::kIoError);
  std::filesystem::remove_all(dir);
}

TEST(Evaluation, SyntheticSetFindsMostInsertedClusters) {
  SyntheticEvaluationOptions o;
  o.images = 4;
  o.seed = 7;
  o.base.width = o.base.height = 512;
  o.threads = 2;
  int calls = 0, last_done = 0;
  EvaluationReport report;
  ASSERT_TRUE(EvaluateSynthetic(Detector(), o,
                                [&](int done, int total) {
                                  ++calls;
                                  last_done = done;
                                  EXPECT_EQ(total, 4);
                                },
                                &report)
                  .ok());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(last_done, 4);
  ASSERT_EQ(report.images.size(), 4u);
  EXPECT_EQ(report.cluster_curve.images, 4);
  EXPECT_GE(report.cluster_curve.lesions, 4);
  EXPECT_TRUE(report.has_calcification_curve);
  EXPECT_GT(report.calcification_curve.lesions, 4 * report.cluster_curve.lesions - 1);
  // Lesion indices are global and in range.
  for (const ImageEvaluation& e : report.images) {
    for (const ScoredFinding& f : e.findings) EXPECT_LT(f.lesion, report.cluster_curve.lesions);
  }
  EXPECT_GE(report.cluster_curve.points.back().sensitivity, 0.5);
  EXPECT_GT(report.calcification_curve.points.back().sensitivity, 0.3);
  EXPECT_EQ(report.findings_outside_breast, 0);
  // Same seed, same result, whatever the thread count.
  o.threads = 1;
  EvaluationReport again;
  ASSERT_TRUE(EvaluateSynthetic(Detector(), o, nullptr, &again).ok());
  ASSERT_EQ(again.cluster_curve.points.size(), report.cluster_curve.points.size());
  for (size_t i = 0; i < again.cluster_curve.points.size(); ++i) {
    EXPECT_DOUBLE_EQ(again.cluster_curve.points[i].sensitivity,
                     report.cluster_curve.points[i].sensitivity);
  }
}

// An annotated circle whose centre lies in the air beside the breast (as mini-MIAS mdb212's
// and mdb214's do) is set apart and not counted; the lesions on the breast are.
TEST(Evaluation, LesionsOffTheBreastAreSetApart) {
  SyntheticOptions o;
  o.width = o.height = 512;
  o.seed = 3;
  const SyntheticMammogram m = MakeSyntheticMammogram(o);
  ASSERT_FALSE(m.clusters.empty());
  const cv::Point air(o.width - 8, 8);
  ASSERT_EQ(m.breast(air), 0) << "the test needs air at the top right corner";
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "off_breast";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  cv::Mat1b grey;
  m.image.pixels.convertTo(grey, CV_8U, 255.0 / ((1 << m.image.bits_stored) - 1));
  ASSERT_TRUE(cv::imwrite((dir / "film.pgm").string(), grey));
  FolderEvaluationOptions options;
  options.image_paths = {(dir / "film.pgm").string()};
  options.pixel_spacing_mm = o.spacing_mm;
  std::vector<TruthLesion>& lesions = options.truth["film"];
  for (const SyntheticCluster& c : m.clusters) lesions.push_back({c.centre, static_cast<float>(c.radius_px)});
  lesions.push_back({cv::Point2f(air), 3.0f});
  EvaluationReport report;
  ASSERT_TRUE(EvaluateImages(Detector(), options, nullptr, &report).ok());
  ASSERT_EQ(report.images.size(), 1u);
  const ImageEvaluation& e = report.images[0];
  EXPECT_EQ(e.lesions, static_cast<int>(m.clusters.size()));
  EXPECT_EQ(report.cluster_curve.lesions, static_cast<int>(m.clusters.size()));
  ASSERT_EQ(e.off_breast.size(), 1u);
  EXPECT_EQ(e.off_breast[0].lesion.centre, cv::Point2f(air));
  EXPECT_EQ(e.off_breast[0].best_score, -1);
  for (const ScoredFinding& f : e.findings) EXPECT_LT(f.lesion, e.lesions);
  EXPECT_GT(report.cluster_curve.points.back().sensitivity, 0);
  std::filesystem::remove_all(dir);
}

TEST(Evaluation, ListImagesKeepsImageExtensionsOnly) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "formats_list";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* name : {"a.DCM", "b.txt", "c.Tif", "d.jpeg", "e"}) {
    std::ofstream(dir / name) << "x";
  }
  std::vector<std::string> paths;
  ASSERT_TRUE(ListImages(dir.string(), &paths).ok());
  std::vector<std::string> names;
  for (const std::string& path : paths) names.push_back(std::filesystem::path(path).filename());
  EXPECT_EQ(names, (std::vector<std::string>{"a.DCM", "c.Tif", "d.jpeg"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mammocad

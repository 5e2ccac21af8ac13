#include "service/analysis.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "service/task_registry.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

std::string Png(const Image& image) {
  std::vector<uchar> bytes;
  cv::imencode(".png", image.pixels, bytes);
  return std::string(bytes.begin(), bytes.end());
}

std::unique_ptr<const DetectionTask> BreastCalcify() {
  std::unique_ptr<const DetectionTask> task;
  Status status = MakeTask("BreastCalcify", TaskSettings(), &task);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return task;
}

class AnalyzerTest : public ::testing::Test {
 protected:
  std::unique_ptr<const DetectionTask> task_ = BreastCalcify();
  Analyzer analyzer_{*task_, DecodeLimits()};
};

TEST_F(AnalyzerTest, AnalysesEveryFileInUploadOrder) {
  SyntheticOptions with, without;
  with.clusters = 2;
  without.clusters = 0;
  SyntheticMammogram a = MakeSyntheticMammogram(with);
  SyntheticMammogram b = MakeSyntheticMammogram(without);
  DetectOptions options;
  options.spacing_override_mm = with.spacing_mm;
  AnalysisResponse response;
  const std::string with_png = Png(a.image), without_png = Png(b.image);
  ASSERT_TRUE(
      analyzer_.Analyze({{"with", with_png}, {"without", without_png}}, options, &response).ok());
  ASSERT_EQ(response.images.size(), 2u);
  EXPECT_EQ(response.images[0].name, "with");
  EXPECT_EQ(response.images[1].name, "without");
  EXPECT_FALSE(response.images[0].detection.findings.empty());
  EXPECT_TRUE(response.images[1].detection.findings.empty());
  EXPECT_EQ(response.images[0].detection.spacing_source, SpacingSource::kRequest);
  EXPECT_GT(response.total_ms, 0.0);
}

TEST_F(AnalyzerTest, ErrorsNameTheImage) {
  AnalysisResponse response;
  EXPECT_EQ(analyzer_.Analyze({}, DetectOptions(), &response).code(), ErrorCode::kNoImages);
  SyntheticMammogram a = MakeSyntheticMammogram(SyntheticOptions());
  const std::string good = Png(a.image);
  Status status = analyzer_.Analyze({{"good", good}, {"bad.bin", ""}}, DetectOptions(), &response);
  EXPECT_EQ(status.code(), ErrorCode::kEmptyFile);
  EXPECT_EQ(status.message().rfind("image 2 ('bad.bin'): ", 0), 0u) << status.message();
}

TEST(AnalyzerSpacingTest, TheTaskCarriesTheServerDefaultIntoEveryRequest) {
  // The synthetic mammogram at 0.1 mm, as a PNG: no spacing in the file.
  const std::string png = Png(MakeSyntheticMammogram(SyntheticOptions()).image);
  TaskSettings settings;
  settings.default_spacing_mm = 0.1;
  std::unique_ptr<const DetectionTask> task;
  ASSERT_TRUE(MakeTask("BreastCalcify", settings, &task).ok());
  const Analyzer analyzer(*task, DecodeLimits());
  auto analyse = [&](const std::map<std::string, std::string>& form) {
    DetectOptions options;
    EXPECT_TRUE(task->ParseOptions(
                        [&form](const std::string& name) -> std::optional<std::string> {
                          auto it = form.find(name);
                          if (it == form.end()) return std::nullopt;
                          return it->second;
                        },
                        &options)
                    .ok());
    AnalysisResponse response;
    EXPECT_TRUE(analyzer.Analyze({{"a.png", png}}, options, &response).ok());
    return response.images.at(0).detection;
  };
  const DetectionResult by_default = analyse({});
  EXPECT_EQ(by_default.spacing_source, SpacingSource::kServerDefault);
  EXPECT_DOUBLE_EQ(by_default.spacing_mm, 0.1);
  EXPECT_FALSE(by_default.findings.empty());  // the right scale finds the clusters
  const DetectionResult by_request = analyse({{"pixel_spacing", "0.07"}});
  EXPECT_EQ(by_request.spacing_source, SpacingSource::kRequest);
  EXPECT_DOUBLE_EQ(by_request.spacing_mm, 0.07);
}

TEST(AnalysisLogSummaryTest, SaysPerImageTheSpacingSourceGuessesAndLossiness) {
  AnalysisResponse response;
  response.images.resize(3);
  response.images[0].name = "Doe^Jane.png";  // names never reach the summary
  response.images[0].detection.spacing_source = SpacingSource::kRequest;
  response.images[1].detection.spacing_source = SpacingSource::kDefault;
  response.images[1].image.lossy = true;
  response.images[2].detection.spacing_source = SpacingSource::kServerDefault;
  EXPECT_EQ(AnalysisLogSummary(response),
            "images=3 spacing=request,default(guessed),server_default lossy=0,1,0");
  response.images.resize(1);
  EXPECT_EQ(AnalysisLogSummary(response), "images=1 spacing=request lossy=0");
}

// A task that reports one finding per image, its score the image's width, and counts its runs.
class CountingTask : public DetectionTask {
 public:
  const std::string& name() const override { return name_; }
  const std::vector<TaskOption>& options() const override { return options_; }
  Status ParseOptions(const OptionLookup&, DetectOptions*) const override { return Status::Ok(); }
  Status Run(const Image& image, const DetectOptions&, DetectionResult* result) const override {
    ++runs;
    *result = DetectionResult();
    result->findings.push_back(Finding());
    result->findings.back().score = image.pixels.cols;
    return Status::Ok();
  }
  mutable std::atomic<int> runs{0};

 private:
  std::string name_ = "Counting";
  std::vector<TaskOption> options_;
};

TEST(AnalyzerTaskTest, RunsTheGivenTaskOnEveryDecodedImage) {
  CountingTask task;
  Analyzer analyzer(task, DecodeLimits());
  Image narrow, wide;
  narrow.pixels = cv::Mat(20, 10, CV_8UC1, cv::Scalar(7));
  wide.pixels = cv::Mat(20, 30, CV_8UC1, cv::Scalar(7));
  const std::string narrow_png = Png(narrow), wide_png = Png(wide);
  AnalysisResponse response;
  ASSERT_TRUE(
      analyzer.Analyze({{"n", narrow_png}, {"w", wide_png}}, DetectOptions(), &response).ok());
  EXPECT_EQ(task.runs, 2);
  ASSERT_EQ(response.images.size(), 2u);
  EXPECT_EQ(response.images[0].detection.findings[0].score, 10);
  EXPECT_EQ(response.images[1].detection.findings[0].score, 30);
}

}  // namespace
}  // namespace mammocad

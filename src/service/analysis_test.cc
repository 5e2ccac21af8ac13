#include "service/analysis.h"

#include <gtest/gtest.h>

#include <map>
#include <opencv2/imgcodecs.hpp>

#include "synth/synthetic.h"

namespace mammocad {
namespace {

std::function<std::optional<std::string>(const std::string&)> Form(
    std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ParseDetectOptionsTest, DefaultsWhenAbsentOrEmpty) {
  DetectOptions options;
  ASSERT_TRUE(ParseDetectOptions(Form({{"min_score", ""}}), DetectorParams(), &options).ok());
  EXPECT_EQ(options.level, FindingLevel::kCluster);
  EXPECT_EQ(options.min_score, 0.0);
  EXPECT_EQ(options.spacing_override_mm, 0.0);
}

TEST(ParseDetectOptionsTest, ReadsEveryValue) {
  DetectOptions options;
  ASSERT_TRUE(ParseDetectOptions(Form({{"min_score", "0.25"}, {"pixel_spacing", "0.07"},
                                       {"level", "calcification"}, {"other", "ignored"}}),
                                 DetectorParams(), &options)
                  .ok());
  EXPECT_DOUBLE_EQ(options.min_score, 0.25);
  EXPECT_DOUBLE_EQ(options.spacing_override_mm, 0.07);
  EXPECT_EQ(options.level, FindingLevel::kCalcification);
}

TEST(ParseDetectOptionsTest, RefusesBadValuesNamingTheField) {
  for (auto [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"min_score", "x"}, {"min_score", "-0.1"}, {"min_score", "0.5abc"},
           {"pixel_spacing", "0"}, {"pixel_spacing", "inf"}, {"pixel_spacing", "5"},
           {"level", "Cluster"}}) {
    DetectOptions options;
    Status status = ParseDetectOptions(Form({{field, value}}), DetectorParams(), &options);
    EXPECT_EQ(status.code(), ErrorCode::kBadParameter) << field << "=" << value;
    EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
  }
}

class AnalyzerTest : public ::testing::Test {
 protected:
  static std::string Png(const Image& image) {
    std::vector<uchar> bytes;
    cv::imencode(".png", image.pixels, bytes);
    return std::string(bytes.begin(), bytes.end());
  }
  Detector detector_;
  Analyzer analyzer_{detector_, DecodeLimits()};
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
  ASSERT_TRUE(analyzer_.Analyze({{"with", Png(a.image)}, {"without", Png(b.image)}}, options,
                                &response)
                  .ok());
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
  Status status =
      analyzer_.Analyze({{"good", Png(a.image)}, {"bad.bin", ""}}, DetectOptions(), &response);
  EXPECT_EQ(status.code(), ErrorCode::kEmptyFile);
  EXPECT_EQ(status.message().rfind("image 2 ('bad.bin'): ", 0), 0u) << status.message();
}

}  // namespace
}  // namespace mammocad

#include "service/replies.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mammocad {
namespace {

using nlohmann::json;

ImageAnalysis OneCluster(std::string name) {
  ImageAnalysis a;
  a.name = std::move(name);
  a.image.pixels = cv::Mat(100, 80, CV_8UC1, cv::Scalar(0));
  a.image.format = "png";
  a.detection.spacing_mm = 0.1;
  a.detection.spacing_source = SpacingSource::kRequest;
  Finding f;
  f.score = 0.912345;
  f.box = cv::Rect(10, 20, 30, 40);
  Calcification c;
  c.score = 0.8;
  c.box = cv::Rect(12, 22, 3, 3);
  c.centre = cv::Point2f(13.5f, 23.5f);
  c.diameter_mm = 0.3;
  f.members = {c};
  a.detection.findings = {f};
  return a;
}

TEST(ReplyJsonTest, LegacyResultIsAStringHoldingTheList) {
  AnalysisResponse response;
  response.images = {OneCluster("a")};
  json reply = json::parse(LegacyReply(response));
  EXPECT_EQ(reply["state"], 0);
  ASSERT_TRUE(reply["result"].is_string());
  json result = json::parse(reply["result"].get<std::string>());
  EXPECT_EQ(result, json::parse("[[0.9123, 10, 20, 30, 40]]"));
}

TEST(ReplyJsonTest, SeveralImagesGiveOneListEach) {
  AnalysisResponse response;
  ImageAnalysis empty = OneCluster("b");
  empty.detection.findings.clear();
  response.images = {OneCluster("a"), empty};
  json result = json::parse(LegacyResultText(response));
  ASSERT_EQ(result.size(), 2u);
  EXPECT_EQ(result[0].size(), 1u);
  EXPECT_EQ(result[1], json::array());
}

TEST(ReplyJsonTest, ErrorsCarryStateAndMessage) {
  json legacy = json::parse(LegacyErrorReply(Status(ErrorCode::kEmptyFile, "pic1 is empty")));
  EXPECT_EQ(legacy["state"], StateNumber(ErrorCode::kEmptyFile));
  EXPECT_EQ(legacy["result"], "pic1 is empty");
  json v2 = json::parse(V2ErrorReply(Status(ErrorCode::kCorruptImage, "cut")));
  EXPECT_EQ(v2["error"]["name"], "corrupt_image");
  EXPECT_EQ(v2["error"]["code"], 8);
}

TEST(ReplyJsonTest, V2DescribesImagesAndClusters) {
  AnalysisResponse response;
  response.images = {OneCluster("left.png")};
  json reply = json::parse(V2Reply(response));
  const json& image = reply["images"][0];
  EXPECT_EQ(image["name"], "left.png");
  EXPECT_EQ(image["width"], 80);
  EXPECT_EQ(image["height"], 100);
  EXPECT_EQ(image["pixel_spacing_source"], "request");
  EXPECT_FALSE(image.contains("laterality"));
  const json& finding = image["findings"][0];
  EXPECT_EQ(finding["kind"], "cluster");
  EXPECT_EQ(finding["box"], json::parse(R"({"x":10,"y":20,"w":30,"h":40})"));
  EXPECT_EQ(finding["calcifications"][0]["diameter_mm"], 0.3);
}

TEST(ReplyJsonTest, V2NamesTheOperatingPointsAndTheDefault) {
  AnalysisResponse response;
  response.images = {OneCluster("a.png")};
  EXPECT_FALSE(json::parse(V2Reply(response)).contains("operating_points"));
  response.operating_points = {{"high_specificity", 0.6, 0.5, 0.2, "dev"},
                               {"balanced", 0.3, 0.75, 0.5, "dev"}};
  response.default_operating_point = "balanced";
  const json reply = json::parse(V2Reply(response));
  ASSERT_EQ(reply["operating_points"].size(), 2u);
  EXPECT_EQ(reply["operating_points"][1],
            json::parse(R"({"name":"balanced","min_score":0.3,"sensitivity":0.75,)"
                        R"("fp_per_image":0.5})"));
  EXPECT_EQ(reply["default_operating_point"], "balanced");
  // The legacy reply stays as it was.
  EXPECT_EQ(LegacyReply(response), R"({"result":"[[0.9123,10,20,30,40]]","state":0})");
}

TEST(ReplyJsonTest, V2SaysWhenTheSpacingWasGuessed) {
  const std::vector<std::pair<SpacingSource, bool>> cases = {
      {SpacingSource::kRequest, false},       {SpacingSource::kImagerPixelSpacing, false},
      {SpacingSource::kPixelSpacing, false},  {SpacingSource::kServerDefault, false},
      {SpacingSource::kDefault, true}};
  for (auto [source, guessed] : cases) {
    AnalysisResponse response;
    response.images = {OneCluster("a.png")};
    response.images[0].detection.spacing_source = source;
    const json image = json::parse(V2Reply(response))["images"][0];
    EXPECT_EQ(image["pixel_spacing_source"], SpacingSourceName(source));
    EXPECT_EQ(image["pixel_spacing_guessed"], guessed) << SpacingSourceName(source);
  }
  EXPECT_EQ(SpacingSourceName(SpacingSource::kServerDefault), "server_default");
}

TEST(ReplyJsonTest, V2SaysWhetherTheInputWasLossy) {
  for (bool lossy : {false, true}) {
    AnalysisResponse response;
    response.images = {OneCluster("a")};
    response.images[0].image.lossy = lossy;
    const json image = json::parse(V2Reply(response))["images"][0];
    ASSERT_TRUE(image["lossy"].is_boolean());
    EXPECT_EQ(image["lossy"], lossy);
  }
}

TEST(ReplyJsonTest, LegacyReplyHasNoSpacingOrLossiness) {
  AnalysisResponse response;
  response.images = {OneCluster("a")};
  response.images[0].image.lossy = true;
  response.images[0].detection.spacing_source = SpacingSource::kDefault;
  // The old contract, byte for byte: nothing but state and the result string.
  EXPECT_EQ(LegacyReply(response), R"({"result":"[[0.9123,10,20,30,40]]","state":0})");
}

TEST(ReplyJsonTest, InvalidUtf8InNamesDoesNotThrow) {
  AnalysisResponse response;
  response.images = {OneCluster("bad\xff\xfename")};
  EXPECT_NO_THROW(json::parse(V2Reply(response)));
  EXPECT_NO_THROW(json::parse(LegacyErrorReply(Status(ErrorCode::kCorruptImage, "\xff"))));
}

}  // namespace
}  // namespace mammocad

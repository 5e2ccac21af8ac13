#include "detector/features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

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

}  // namespace
}  // namespace mammocad

#include <gtest/gtest.h>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

TEST(Normalise, ScalesByBitsStored) {
  Image image;
  image.pixels = cv::Mat(4, 4, CV_16UC1, cv::Scalar(4095));
  image.pixels.at<uint16_t>(0, 0) = 0;
  image.bits_stored = 12;
  const AnalysisImage a = Normalise(image, 0.1, DetectorParams());
  EXPECT_FLOAT_EQ(a.pixels(1, 1), 1.0f);
  EXPECT_FLOAT_EQ(a.pixels(0, 0), 0.0f);
  EXPECT_EQ(a.pixels.size(), cv::Size(4, 4));
  EXPECT_DOUBLE_EQ(a.scale_x, 1.0);
}

TEST(Normalise, EightBitFullScaleIsOne) {
  Image image;
  image.pixels = cv::Mat(2, 2, CV_8UC1, cv::Scalar(255));
  const AnalysisImage a = Normalise(image, 0.2, DetectorParams());
  EXPECT_FLOAT_EQ(a.pixels(0, 1), 1.0f);
  EXPECT_DOUBLE_EQ(a.spacing_mm, 0.2);  // coarser than the analysis spacing: untouched
}

TEST(Normalise, DownsamplesFineImagesAndMapsBack) {
  Image image;
  image.pixels = cv::Mat(400, 300, CV_8UC1, cv::Scalar(100));
  const AnalysisImage a = Normalise(image, 0.05, DetectorParams());  // analysis at 0.1 mm
  EXPECT_EQ(a.pixels.size(), cv::Size(150, 200));
  EXPECT_NEAR(a.spacing_mm, 0.1, 1e-9);
  EXPECT_DOUBLE_EQ(a.scale_x, 2.0);
  const cv::Rect box = ToInputGrid(a, cv::Rect(10, 20, 5, 5), image.pixels.size());
  EXPECT_EQ(box, cv::Rect(20, 40, 10, 10));
  const cv::Point2f centre = ToInputGrid(a, cv::Point2f(10, 20));
  EXPECT_NEAR(centre.x, 20.5, 1e-4);  // centre of input pixels 20 and 21
  // Boxes are clipped to the input image.
  EXPECT_EQ(ToInputGrid(a, cv::Rect(148, 198, 5, 5), image.pixels.size()),
            cv::Rect(296, 396, 4, 4));
}

}  // namespace
}  // namespace mammocad::detail

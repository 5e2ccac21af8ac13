#include "mammocad/render.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

namespace mammocad {
namespace {

Image Grey(int width, int height, int value, int bits = 8) {
  Image image;
  image.pixels = cv::Mat(height, width, bits == 8 ? CV_8UC1 : CV_16UC1, cv::Scalar(value));
  image.bits_stored = bits;
  return image;
}

TEST(RenderTest, DisplayStretches16BitByBitsStored) {
  cv::Mat display = DisplayImage(Grey(4, 4, 4095, 12));
  EXPECT_EQ(display.type(), CV_8UC1);
  EXPECT_EQ(display.at<uchar>(0, 0), 255);
}

TEST(RenderTest, DisplayPrefersTheDecodersRendering) {
  Image image = Grey(4, 4, 10);
  image.display = cv::Mat(4, 4, CV_8UC1, cv::Scalar(200));
  EXPECT_EQ(DisplayImage(image).at<uchar>(1, 1), 200);
}

TEST(RenderTest, ClusterBoxIsRed) {
  Finding f;
  f.box = cv::Rect(20, 30, 40, 40);
  f.score = 0.9;
  cv::Mat canvas = RenderFindings(Grey(200, 200, 100), {f});
  ASSERT_EQ(canvas.type(), CV_8UC3);
  cv::Vec3b edge = canvas.at<cv::Vec3b>(30, 40);  // top edge of the box
  EXPECT_GT(edge[2], 200);
  EXPECT_LT(edge[1], 60);
  cv::Vec3b inside = canvas.at<cv::Vec3b>(50, 40);
  EXPECT_EQ(inside, cv::Vec3b(100, 100, 100));
}

TEST(RenderTest, SideBySideKeepsOrderAndSize) {
  cv::Mat a(10, 20, CV_8UC3, cv::Scalar(1, 1, 1)), b(30, 5, CV_8UC3, cv::Scalar(2, 2, 2));
  cv::Mat both = SideBySide({a, b});
  EXPECT_EQ(both.size(), cv::Size(25, 30));
  EXPECT_EQ(both.at<cv::Vec3b>(0, 0)[0], 1);
  EXPECT_EQ(both.at<cv::Vec3b>(29, 24)[0], 2);
  EXPECT_EQ(both.at<cv::Vec3b>(29, 0)[0], 0);  // below the shorter image: black
}

TEST(RenderTest, EncodesJpeg) {
  std::string jpeg = EncodeJpeg(cv::Mat(16, 16, CV_8UC3, cv::Scalar(9, 9, 9)));
  ASSERT_GT(jpeg.size(), 3u);
  EXPECT_EQ(jpeg.substr(0, 3), "\xFF\xD8\xFF");
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

TEST(RenderTest, SideBySideFitsJpegLimits) {
  std::vector<cv::Mat> many(30, cv::Mat(100, 3000, CV_8UC3, cv::Scalar(5, 5, 5)));
  cv::Mat row = SideBySide(many);
  EXPECT_LE(row.cols, 65535);
  EXPECT_FALSE(EncodeJpeg(row).empty());
}

}  // namespace
}  // namespace mammocad

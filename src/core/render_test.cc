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

bool IsRed(const cv::Vec3b& bgr) { return bgr[2] > 200 && bgr[1] < 110 && bgr[0] < 110; }

TEST(RenderTest, ClusterOutlineIsRedAndOutsideTheBox) {
  Finding f;
  f.box = cv::Rect(60, 80, 40, 40);
  f.score = 0.9;
  Calcification member;
  member.box = cv::Rect(75, 95, 4, 4);
  member.centre = cv::Point2f(77, 97);
  f.members = {member};
  const Image image = Grey(200, 200, 100);
  cv::Mat canvas = RenderFindings(image, {f});
  ASSERT_EQ(canvas.type(), CV_8UC3);
  // Nothing is drawn on the box itself, so the specks stay visible...
  for (int y = f.box.y; y < f.box.y + f.box.height; ++y)
    for (int x = f.box.x; x < f.box.x + f.box.width; ++x)
      if (std::abs(x - 77) + std::abs(y - 97) <= 3) {
        ASSERT_EQ(canvas.at<cv::Vec3b>(y, x), cv::Vec3b(100, 100, 100)) << x << "," << y;
      }
  // ...the outline runs a gap outside it.
  bool red_above = false;
  for (int y = f.box.y - 12; y < f.box.y; ++y) red_above = red_above || IsRed(canvas.at<cv::Vec3b>(y, 80));
  EXPECT_TRUE(red_above);
  EXPECT_FALSE(IsRed(canvas.at<cv::Vec3b>(f.box.y, 80)));
  EXPECT_EQ(kClusterColour, cv::Scalar(58, 69, 255));  // #ff453a, as web/viewer.css
}

// How many pixels of the score tags' dark background the rendering has.
int TagPixels(const std::vector<Finding>& findings) {
  cv::Mat canvas = RenderFindings(Grey(400, 400, 100), findings);
  int n = 0;
  for (int y = 0; y < canvas.rows; ++y)
    for (int x = 0; x < canvas.cols; ++x) n += canvas.at<cv::Vec3b>(y, x) == cv::Vec3b(24, 24, 24);
  return n;
}

TEST(RenderTest, TagsOfNearbyFindingsDoNotOverlap) {
  // Two findings almost touching: above both, their tags would cover each other, so the second
  // goes elsewhere and both tags are whole.
  Finding a, b;
  a.box = cv::Rect(100, 100, 12, 12);
  a.score = b.score = 0.9;  // the same text, so the same tag
  b.box = cv::Rect(116, 100, 12, 12);
  const int one = TagPixels({a});
  ASSERT_GT(one, 100);
  EXPECT_EQ(TagPixels({a, b}), 2 * one);
}

TEST(RenderTest, DisplayWindowIsFittedToTheDecodersDisplay) {
  Image image = Grey(300, 1, 0, 12);
  image.display.create(1, 300, CV_8UC1);
  for (int i = 0; i < 300; ++i) {  // window [1000, 2020]: 4 stored levels per display level
    image.pixels.at<std::uint16_t>(0, i) = std::uint16_t(800 + 5 * i);
    image.display.at<std::uint8_t>(0, i) = std::uint8_t(std::clamp((5 * i - 200) / 4, 0, 255));
  }
  std::optional<GreyWindow> window = DisplayWindow(image);
  ASSERT_TRUE(window);
  EXPECT_NEAR(window->low, 1000, 4);
  EXPECT_NEAR(window->high, 2020, 4);
  EXPECT_FALSE(DisplayWindow(Grey(4, 4, 10)));  // no display: no file window
}

TEST(RenderTest, LabelledPanelsHaveCaptionsAndAGap) {
  cv::Mat a(100, 50, CV_8UC3, cv::Scalar(200, 200, 200)), b(80, 60, CV_8UC3, cv::Scalar(200, 200, 200));
  cv::Mat picture = LabelledPanels({{a, "a.dcm  L CC"}, {b, "b.dcm  L MLO"}});
  EXPECT_EQ(picture.rows, 100 + 24);         // caption strip on top
  EXPECT_EQ(picture.cols, 50 + 8 + 60);      // and a gap between
  EXPECT_EQ(picture.at<cv::Vec3b>(60, 53), cv::Vec3b(40, 40, 40));  // the gap
  EXPECT_EQ(picture.at<cv::Vec3b>(60, 20), cv::Vec3b(200, 200, 200));
  EXPECT_EQ(LabelledPanels({{a, ""}}).size(), a.size());  // one image: as it was
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

#include "server/pixels_reply.h"

#include <gtest/gtest.h>

#include <string>

namespace mammocad {
namespace {

std::string HeaderOf(const HttpReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name) return value;
  return "<absent>";
}

TEST(PixelsReplyTest, SixteenBitSamplesAreLittleEndianRowByRow) {
  Image image;
  image.pixels = (cv::Mat_<std::uint16_t>(2, 3) << 1, 2, 0x0fff, 0x0102, 0, 7);
  image.bits_stored = 12;
  image.format = "png";
  HttpReply reply = DecodedPixelsReply(image);
  EXPECT_EQ(reply.content_type, "application/octet-stream");
  ASSERT_EQ(reply.body.size(), 12u);
  EXPECT_EQ(reply.body.substr(0, 6), std::string("\x01\x00\x02\x00\xff\x0f", 6));
  EXPECT_EQ(reply.body.substr(6, 2), std::string("\x02\x01", 2));
  EXPECT_EQ(HeaderOf(reply, "X-Image-Width"), "3");
  EXPECT_EQ(HeaderOf(reply, "X-Image-Height"), "2");
  EXPECT_EQ(HeaderOf(reply, "X-Image-Bytes-Per-Sample"), "2");
  EXPECT_EQ(HeaderOf(reply, "X-Image-Bits-Stored"), "12");
  EXPECT_EQ(HeaderOf(reply, "X-Image-Format"), "png");
  EXPECT_EQ(HeaderOf(reply, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderOf(reply, "X-Window-Low"), "<absent>");  // no display: no file window
  EXPECT_EQ(HeaderOf(reply, "X-Image-Laterality"), "<absent>");
}

TEST(PixelsReplyTest, EightBitIsOneBytePerSampleOfARegionToo) {
  cv::Mat big = (cv::Mat_<std::uint8_t>(2, 4) << 1, 2, 3, 4, 5, 6, 7, 8);
  Image image;
  image.pixels = big(cv::Rect(1, 0, 2, 2));  // not continuous
  HttpReply reply = DecodedPixelsReply(image);
  EXPECT_EQ(reply.body, std::string("\x02\x03\x06\x07", 4));
  EXPECT_EQ(HeaderOf(reply, "X-Image-Bytes-Per-Sample"), "1");
}

TEST(PixelsReplyTest, DicomDescriptorsAndTheFileWindow) {
  Image image;
  image.pixels.create(1, 256, CV_16UC1);
  image.display.create(1, 256, CV_8UC1);
  for (int v = 0; v < 256; ++v) {  // a window of [1000, 1510]: display = (v - 1000) / 2
    image.pixels.at<std::uint16_t>(0, v) = std::uint16_t(900 + 3 * v);
    image.display.at<std::uint8_t>(0, v) =
        std::uint8_t(std::clamp((900 + 3 * v - 1000) / 2, 0, 255));
  }
  image.bits_stored = 12;
  image.laterality = "L\r\nX-Evil: 1";
  image.view = "MLO";
  HttpReply reply = DecodedPixelsReply(image);
  EXPECT_EQ(HeaderOf(reply, "X-Image-Laterality"), "LXEvil 1");  // no line break gets through
  EXPECT_EQ(HeaderOf(reply, "X-Image-View"), "MLO");
  EXPECT_NEAR(std::stod(HeaderOf(reply, "X-Window-Low")), 1000, 3);
  EXPECT_NEAR(std::stod(HeaderOf(reply, "X-Window-High")), 1510, 3);
}

}  // namespace
}  // namespace mammocad

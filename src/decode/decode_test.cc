#include "mammocad/decode.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

namespace mammocad {
namespace {

cv::Mat Gradient16(int width, int height) {
  cv::Mat m(height, width, CV_16UC1);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) m.at<std::uint16_t>(y, x) = std::uint16_t((x * 37 + y * 11) % 4096);
  return m;
}

std::string Encode(const cv::Mat& m, const std::string& ext, std::vector<int> params = {}) {
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(ext, m, out, params));
  return std::string(out.begin(), out.end());
}

TEST(DecodeTest, SniffsByContentNotName) {
  cv::Mat m(8, 8, CV_8UC1, cv::Scalar(100));
  EXPECT_EQ(SniffFormat(Encode(m, ".jpg")), ImageFormat::kJpeg);
  EXPECT_EQ(SniffFormat(Encode(m, ".png")), ImageFormat::kPng);
  EXPECT_EQ(SniffFormat(Encode(m, ".tiff")), ImageFormat::kTiff);
  EXPECT_EQ(SniffFormat(Encode(m, ".pgm")), ImageFormat::kPnm);
  EXPECT_EQ(SniffFormat(Encode(m, ".bmp")), ImageFormat::kBmp);
  EXPECT_EQ(SniffFormat("hello world, this is text"), ImageFormat::kUnknown);
}

TEST(DecodeTest, PeeksDimensionsOfEveryFormat) {
  cv::Mat m(37, 53, CV_8UC1, cv::Scalar(100));
  for (std::string ext : {".jpg", ".png", ".tiff", ".pgm", ".bmp"}) {
    std::string bytes = Encode(m, ext);
    int w = 0, h = 0;
    ASSERT_TRUE(PeekDimensions(bytes, SniffFormat(bytes), &w, &h)) << ext;
    EXPECT_EQ(w, 53) << ext;
    EXPECT_EQ(h, 37) << ext;
  }
}

TEST(DecodeTest, Png16AndTiff16KeepDepthAndValues) {
  for (const char* ext : {".png", ".tiff"}) {
    cv::Mat m = Gradient16(64, 48);
    Image image;
    ASSERT_TRUE(DecodeImage(Encode(m, ext), DecodeLimits(), &image).ok()) << ext;
    ASSERT_EQ(image.pixels.type(), CV_16UC1) << ext;
    EXPECT_EQ(cv::norm(image.pixels, m, cv::NORM_INF), 0.0) << ext;
    EXPECT_EQ(image.bits_stored, 12) << ext;
    EXPECT_EQ(image.format, std::string(ext).substr(1, 4) == "tiff" ? "tiff" : "png") << ext;
  }
}

TEST(DecodeTest, ColourJpegBecomesGray) {
  cv::Mat colour(32, 32, CV_8UC3, cv::Scalar(10, 200, 30));
  Image image;
  ASSERT_TRUE(DecodeImage(Encode(colour, ".jpg"), DecodeLimits(), &image).ok());
  EXPECT_EQ(image.pixels.type(), CV_8UC1);
  EXPECT_EQ(image.bits_stored, 8);
}

// The one-pass libjpeg decoder gives exactly what OpenCV's imdecode(IMREAD_GRAYSCALE) gives,
// for grey and colour (YCbCr) files, baseline and progressive.
TEST(DecodeTest, JpegPixelsAreImdecodesGreyPixels) {
  cv::Mat grey(301, 517, CV_8UC1), colour(64, 80, CV_8UC3);
  cv::RNG rng(3);
  rng.fill(grey, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(grey, grey, cv::Size(), 2.0);
  rng.fill(colour, cv::RNG::UNIFORM, 0, 256);
  for (const std::string& bytes :
       {Encode(grey, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 75}), Encode(colour, ".jpg"),
        Encode(grey, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1})}) {
    Image image;
    ASSERT_TRUE(DecodeImage(bytes, DecodeLimits(), &image).ok());
    const cv::Mat expected = cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()),
                                          cv::IMREAD_GRAYSCALE);
    ASSERT_EQ(image.pixels.size(), expected.size());
    EXPECT_EQ(cv::norm(image.pixels, expected, cv::NORM_INF), 0.0);
  }
}

TEST(DecodeTest, ReadsMiniMiasStylePgmWithComment) {
  std::string pgm = "P5\n# a comment line like mini-MIAS has\n4 2\n255\n";
  pgm += std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  Image image;
  ASSERT_TRUE(DecodeImage(pgm, DecodeLimits(), &image).ok());
  EXPECT_EQ(image.pixels.cols, 4);
  EXPECT_EQ(image.pixels.rows, 2);
  EXPECT_EQ(image.pixels.at<uchar>(1, 3), 8);
}

TEST(DecodeTest, ErrorsNameTheProblem) {
  Image image;
  EXPECT_EQ(DecodeImage("", DecodeLimits(), &image).code(), ErrorCode::kEmptyFile);
  Status text = DecodeImage("just some text", DecodeLimits(), &image);
  EXPECT_EQ(text.code(), ErrorCode::kUnsupportedFormat);
  EXPECT_NE(text.message().find("not an image"), std::string::npos);

  std::string jpeg = Encode(cv::Mat(64, 64, CV_8UC1, cv::Scalar(7)), ".jpg");
  Status truncated = DecodeImage(jpeg.substr(0, jpeg.size() / 3), DecodeLimits(), &image);
  EXPECT_EQ(truncated.code(), ErrorCode::kCorruptImage) << truncated.ToString();
  EXPECT_EQ(DecodeImage(std::string("\x89PNG\r\n\x1A\n", 8), DecodeLimits(), &image).code(),
            ErrorCode::kCorruptImage);
}

TEST(DecodeTest, LimitsAreCheckedBeforeDecoding) {
  std::string png = Encode(cv::Mat(100, 200, CV_8UC1, cv::Scalar(7)), ".png");
  Image image;
  DecodeLimits limits;
  limits.max_pixels = 100 * 200 - 1;
  EXPECT_EQ(DecodeImage(png, limits, &image).code(), ErrorCode::kTooManyPixels);
  limits = DecodeLimits();
  limits.max_bytes = png.size() - 1;
  EXPECT_EQ(DecodeImage(png, limits, &image).code(), ErrorCode::kPayloadTooLarge);
}

TEST(DecodeTest, ForgedHugeHeaderIsRefusedNotAllocated) {
  // A PNG header that claims 100000 x 100000 pixels (a decompression bomb) must be refused
  // from the header alone.
  std::string png = Encode(cv::Mat(4, 4, CV_8UC1, cv::Scalar(7)), ".png");
  const unsigned char huge[8] = {0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0};
  png.replace(16, 8, reinterpret_cast<const char*>(huge), 8);
  Image image;
  EXPECT_EQ(DecodeImage(png, DecodeLimits(), &image).code(), ErrorCode::kTooManyPixels);
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

TEST(DecodeTest, TruncatedFilesAreRefusedNotGreyFilled) {
  cv::Mat m(128, 128, CV_8UC1);
  cv::randu(m, 0, 255);
  Image image;
  for (std::string ext : {".jpg", ".pgm", ".png"}) {
    std::string bytes = Encode(m, ext);
    ASSERT_TRUE(DecodeImage(bytes, DecodeLimits(), &image).ok()) << ext;
    for (std::size_t cut : {bytes.size() / 2, bytes.size() - 3}) {
      Status s = DecodeImage(bytes.substr(0, cut), DecodeLimits(), &image);
      EXPECT_EQ(s.code(), ErrorCode::kCorruptImage) << ext << " cut at " << cut;
    }
  }
}

TEST(DecodeTest, JpegWithTrailingBytesAfterEndIsAccepted) {
  std::string bytes = Encode(cv::Mat(32, 32, CV_8UC1, cv::Scalar(50)), ".jpg") + "trailer";
  Image image;
  EXPECT_TRUE(DecodeImage(bytes, DecodeLimits(), &image).ok());
}

}  // namespace
}  // namespace mammocad

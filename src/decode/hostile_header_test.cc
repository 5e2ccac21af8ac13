// Files whose headers state their size in ways a decoder may read otherwise than the peek
// (duplicate TIFF size tags, two JPEG frame headers, the OS/2 BMP header), and JPEG data that
// libjpeg decodes only by guessing: DecodeImage refuses them with a message naming the
// problem instead of checking the pixel limit against one size and decoding another.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>
#include <vector>

#include "mammocad/decode.h"

namespace mammocad {
namespace {

std::string Le16(unsigned value) { return {char(value & 0xFF), char((value >> 8) & 0xFF)}; }
std::string Le32(std::uint32_t value) { return Le16(value & 0xFFFF) + Le16(value >> 16); }

// An uncompressed 8-bit greyscale little-endian TIFF of width x height pixels (one strip)
// whose first IFD holds `width_tags` ImageWidth entries and `height_tags` ImageLength ones.
std::string Tiff(int width, int height, std::vector<std::uint32_t> width_tags,
                 std::vector<std::uint32_t> height_tags) {
  std::vector<std::pair<unsigned, std::uint32_t>> entries;  // tag, LONG value
  for (std::uint32_t w : width_tags) entries.push_back({256, w});
  for (std::uint32_t h : height_tags) entries.push_back({257, h});
  const std::size_t ifd_size = 2 + 12 * (entries.size() + 7) + 4;
  const std::uint32_t pixels_at = std::uint32_t(8 + ifd_size);
  const std::uint32_t pixel_bytes = std::uint32_t(width * height);
  for (auto entry : std::vector<std::pair<unsigned, std::uint32_t>>{
           {258, 8}, {259, 1}, {262, 1}, {273, pixels_at}, {277, 1},
           {278, std::uint32_t(height)}, {279, pixel_bytes}}) {
    entries.push_back(entry);
  }
  std::string tiff = std::string("II*\0", 4) + Le32(8) + Le16(unsigned(entries.size()));
  for (auto [tag, value] : entries) tiff += Le16(tag) + Le16(4) + Le32(1) + Le32(value);
  tiff += Le32(0);  // no next IFD
  for (std::uint32_t i = 0; i < pixel_bytes; ++i) tiff += char(i * 7);
  return tiff;
}

TEST(HostileHeaderTest, HandMadeTiffDecodes) {
  Image image;
  ASSERT_TRUE(DecodeImage(Tiff(64, 48, {64}, {48}), DecodeLimits(), &image).ok());
  EXPECT_EQ(image.pixels.cols, 64);
  EXPECT_EQ(image.pixels.rows, 48);
  // The same value twice is no conflict.
  ASSERT_TRUE(DecodeImage(Tiff(64, 48, {64, 64}, {48}), DecodeLimits(), &image).ok());
}

TEST(HostileHeaderTest, TiffWithConflictingSizeTagsIsRefused) {
  // Before: the peek kept the last ImageWidth (64) for the pixel limit while libtiff may
  // decode with another (20000 x 20000 = 400 Mpx here).
  DecodeLimits limits;
  Image image;
  for (auto widths : {std::vector<std::uint32_t>{20000, 64}, {64, 20000}}) {
    const Status s = DecodeImage(Tiff(64, 48, widths, {48}), limits, &image);
    EXPECT_EQ(s.code(), ErrorCode::kCorruptImage) << s.ToString();
    EXPECT_NE(s.message().find("ImageWidth twice"), std::string::npos) << s.message();
  }
  const Status s = DecodeImage(Tiff(64, 48, {64}, {20000, 48}), limits, &image);
  EXPECT_EQ(s.code(), ErrorCode::kCorruptImage) << s.ToString();
  EXPECT_NE(s.message().find("ImageLength twice (20000 and 48)"), std::string::npos)
      << s.message();
  int width = 0, height = 0;
  EXPECT_FALSE(PeekDimensions(Tiff(64, 48, {20000, 64}, {48}), ImageFormat::kTiff, &width,
                              &height));
}

std::string Jpeg(int width, int height) {
  cv::Mat picture(height, width, CV_8UC1);
  cv::randu(picture, 0, 255);
  cv::GaussianBlur(picture, picture, cv::Size(5, 5), 0);
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(".jpg", picture, out, {cv::IMWRITE_JPEG_QUALITY, 90}));
  return std::string(out.begin(), out.end());
}

TEST(HostileHeaderTest, JpegWithTwoFrameHeadersIsRefused) {
  std::string jpeg = Jpeg(64, 48);
  const std::size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  const std::size_t length = (std::size_t(std::uint8_t(jpeg[sof + 2])) << 8) | std::uint8_t(jpeg[sof + 3]);
  std::string second = jpeg.substr(sof, 2 + length);
  second[5] = char(0x4E);  // height 20000
  second[6] = char(0x20);
  jpeg.insert(sof + 2 + length, second);
  Image image;
  const Status s = DecodeImage(jpeg, DecodeLimits(), &image);
  EXPECT_EQ(s.code(), ErrorCode::kCorruptImage) << s.ToString();
  EXPECT_NE(s.message().find("two frame headers"), std::string::npos) << s.message();
}

TEST(HostileHeaderTest, CorruptJpegDataAreRefusedNotGreyFilled) {
  // The first half of the entropy-coded data, then the end marker: libjpeg warns "premature
  // end of data segment" and OpenCV used to return the image with its lower half grey.
  const std::string jpeg = Jpeg(256, 256);
  const std::string cut = jpeg.substr(0, jpeg.size() / 2) + "\xFF\xD9";
  Image image;
  const Status s = DecodeImage(cut, DecodeLimits(), &image);
  EXPECT_EQ(s.code(), ErrorCode::kCorruptImage) << s.ToString();
  EXPECT_NE(s.message().find("premature end of data segment"), std::string::npos) << s.message();
  EXPECT_TRUE(DecodeImage(jpeg, DecodeLimits(), &image).ok());
}

// An OS/2 bitmap (BITMAPCOREHEADER, 12 bytes: 16-bit width and height), 8-bit palette.
std::string CoreBmp(int width, int height) {
  const int row_bytes = (width + 3) / 4 * 4;
  const std::uint32_t pixels_at = 14 + 12 + 256 * 3;
  std::string bmp = "BM" + Le32(pixels_at + row_bytes * height) + Le32(0) + Le32(pixels_at);
  bmp += Le32(12) + Le16(width) + Le16(height) + Le16(1) + Le16(8);
  for (int i = 0; i < 256; ++i) bmp += std::string(3, char(i));  // grey palette, BGR
  for (int i = 0; i < row_bytes * height; ++i) bmp += char(i);
  return bmp;
}

TEST(HostileHeaderTest, Os2BitmapSizeIsReadFromItsSixteenBitFields) {
  // Before: the 32-bit fields of the Windows header were read, giving 393280 x 524289.
  int width = 0, height = 0;
  ASSERT_TRUE(PeekDimensions(CoreBmp(64, 6), ImageFormat::kBmp, &width, &height));
  EXPECT_EQ(width, 64);
  EXPECT_EQ(height, 6);
  Image image;
  const Status s = DecodeImage(CoreBmp(64, 6), DecodeLimits(), &image);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(image.pixels.cols, 64);
  EXPECT_EQ(image.pixels.rows, 6);
}

}  // namespace
}  // namespace mammocad

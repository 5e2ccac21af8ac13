#include "decode/image_formats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <string>
#include <vector>

#include "dicom/dicom_writer.h"

namespace mammocad {
namespace {

constexpr int kWidth = 53, kHeight = 37;

cv::Mat Picture() {
  cv::Mat m(kHeight, kWidth, CV_8UC1);
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) m.at<std::uint8_t>(y, x) = std::uint8_t(x * 3 + y * 2);
  return m;
}

std::string Encode(const std::string& ext) {
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(ext, Picture(), out)) << ext;
  return std::string(out.begin(), out.end());
}

// A real file of each format, made in-process; empty for a format this test does not know,
// so that a new row without a sample here fails the tests below.
std::string Sample(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return Encode(".jpg");
    case ImageFormat::kPng: return Encode(".png");
    case ImageFormat::kTiff: return Encode(".tiff");
    case ImageFormat::kPnm: return Encode(".pgm");
    case ImageFormat::kBmp: return Encode(".bmp");
    case ImageFormat::kDicom: {
      std::string bytes;
      EXPECT_TRUE(WriteDicom(Picture(), DicomWriteOptions(), &bytes).ok());
      return bytes;
    }
    case ImageFormat::kUnknown: break;
  }
  return "";
}

std::string Upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

TEST(ImageFormatsTest, EveryRowSniffsItsOwnSampleAndNoOtherRowDoes) {
  ASSERT_EQ(ImageFormats().size(), 6u);
  for (const ImageFormatInfo& row : ImageFormats()) {
    SCOPED_TRACE(std::string(row.name));
    const std::string bytes = Sample(row.format);
    ASSERT_FALSE(bytes.empty()) << "no sample for this row";
    EXPECT_TRUE(row.sniff(bytes));
    for (const ImageFormatInfo& other : ImageFormats()) {
      if (&other != &row) {
        EXPECT_FALSE(other.sniff(bytes)) << "also sniffed by " << other.name;
      }
    }
    EXPECT_EQ(SniffFormat(bytes), row.format);
    EXPECT_EQ(FormatInfo(row.format), &row);
  }
  EXPECT_EQ(FormatInfo(ImageFormat::kUnknown), nullptr);
  EXPECT_EQ(SniffFormatInfo("hello world, this is text"), nullptr);
  EXPECT_EQ(SniffFormat(""), ImageFormat::kUnknown);
}

TEST(ImageFormatsTest, EveryRowPeeksAndDecodesItsSample) {
  for (const ImageFormatInfo& row : ImageFormats()) {
    SCOPED_TRACE(std::string(row.name));
    const std::string bytes = Sample(row.format);
    int width = 0, height = 0;
    ASSERT_TRUE(row.peek(bytes, &width, &height).ok());
    EXPECT_EQ(width, kWidth);
    EXPECT_EQ(height, kHeight);
    const Status unreadable = row.peek("xx", &width, &height);
    EXPECT_EQ(unreadable.code(), ErrorCode::kCorruptImage);
    EXPECT_NE(unreadable.message().find(std::string(row.name)), std::string::npos)
        << unreadable.message();
    Image image;
    ASSERT_TRUE(DecodeImage(bytes, DecodeLimits(), &image).ok());
    EXPECT_EQ(image.format, row.name);
    EXPECT_EQ(image.pixels.cols, kWidth);
    EXPECT_EQ(image.pixels.rows, kHeight);
  }
}

// What each format's encoding loses; a new row must be added here (the default fails).
bool ExpectedLossy(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return true;
    case ImageFormat::kPng:
    case ImageFormat::kTiff:
    case ImageFormat::kPnm:
    case ImageFormat::kBmp:
    case ImageFormat::kDicom:  // per transfer syntax, by DecodeDicom (dicom_reader_test.cc)
      return false;
    case ImageFormat::kUnknown: break;
  }
  ADD_FAILURE() << "no expected lossiness for format " << int(format);
  return false;
}

TEST(ImageFormatsTest, EveryRowSaysWhetherItIsLossyAndDecodingCarriesIt) {
  for (const ImageFormatInfo& row : ImageFormats()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(row.lossy, ExpectedLossy(row.format));
    Image image;
    image.lossy = !row.lossy;  // DecodeImage must overwrite it
    ASSERT_TRUE(DecodeImage(Sample(row.format), DecodeLimits(), &image).ok());
    EXPECT_EQ(image.lossy, ExpectedLossy(row.format));  // the sample DICOM is explicit LE
  }
}

TEST(ImageFormatsTest, DataChecksRefuseTruncatedSamples) {
  int checked = 0;
  for (const ImageFormatInfo& row : ImageFormats()) {
    if (row.check_data == nullptr) continue;
    SCOPED_TRACE(std::string(row.name));
    const std::string bytes = Sample(row.format);
    EXPECT_TRUE(row.check_data(bytes).ok());
    const std::string truncated = bytes.substr(0, bytes.size() * 2 / 3);
    EXPECT_EQ(row.check_data(truncated).code(), ErrorCode::kCorruptImage);
    Image image;
    const Status s = DecodeImage(truncated, DecodeLimits(), &image);
    EXPECT_EQ(s.code(), ErrorCode::kCorruptImage);
    EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.ToString();
    ++checked;
  }
  EXPECT_EQ(checked, 2);  // JPEG and binary PGM fill missing rows with grey otherwise
}

TEST(ImageFormatsTest, DicomPreambleHoldingTiffMagicIsDicom) {
  std::string bytes = Sample(ImageFormat::kDicom);
  ASSERT_GT(bytes.size(), 132u);
  bytes.replace(0, 8, std::string("II*\0\x08\0\0\0", 8));  // dual DICOM/TIFF preamble
  ASSERT_TRUE(FormatInfo(ImageFormat::kTiff)->sniff(bytes));
  EXPECT_EQ(SniffFormat(bytes), ImageFormat::kDicom);
}

TEST(ImageFormatsTest, ExtensionsAreFoundWhateverTheirCase) {
  std::set<std::string_view> seen;
  for (const ImageFormatInfo& row : ImageFormats()) {
    ASSERT_FALSE(row.extensions.empty()) << row.name;
    for (std::string_view ext : row.extensions) {
      EXPECT_TRUE(seen.insert(ext).second) << ext << " in two rows";
      EXPECT_EQ(ext.front(), '.');
      EXPECT_TRUE(HasImageFileExtension("dir/image" + std::string(ext))) << ext;
      EXPECT_TRUE(HasImageFileExtension("dir/IMAGE" + Upper(ext))) << ext;
    }
  }
  EXPECT_TRUE(HasImageFileExtension("scan.Jpeg"));
  EXPECT_TRUE(HasImageFileExtension("/data/mdb001.PGM"));
  EXPECT_FALSE(HasImageFileExtension("notes.txt"));
  EXPECT_FALSE(HasImageFileExtension("image.dcm.txt"));
  EXPECT_FALSE(HasImageFileExtension("image.dcmx"));
  EXPECT_FALSE(HasImageFileExtension("dcm"));
  EXPECT_FALSE(HasImageFileExtension(".dcm"));  // a hidden file without extension
  EXPECT_FALSE(HasImageFileExtension(""));
}

TEST(ImageFormatsTest, FormatListNamesEveryFormat) {
  const std::string list = ImageFormatList();
  EXPECT_EQ(list, "JPEG, PNG, TIFF, PGM, BMP or DICOM");
  const std::string extensions = ImageExtensionList();
  for (const ImageFormatInfo& row : ImageFormats()) {
    EXPECT_NE(list.find(row.human_name), std::string::npos) << row.human_name;
    for (std::string_view ext : row.extensions)
      EXPECT_NE(extensions.find(ext), std::string::npos) << ext;
  }
  Image image;
  const Status s = DecodeImage("hello world, this is text", DecodeLimits(), &image);
  EXPECT_EQ(s.code(), ErrorCode::kUnsupportedFormat);
  EXPECT_NE(s.message().find("(" + list + ")"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace mammocad

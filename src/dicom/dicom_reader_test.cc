// DecodeDicom on fixtures made by the DICOM writer (every transfer syntax, grey-level and scale
// attributes), on mini-MIAS images wrapped as DICOM, and on real vendor headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "testing/codec_test_image.h"
#include "mammocad/dicom.h"
#include "dicom/dicom_writer.h"

namespace mammocad {
namespace {

using testing::MakeCodecTestImage;

constexpr int kRows = 256;
constexpr int kColumns = 192;

std::string MustWrite(const cv::Mat& pixels, const DicomWriteOptions& options) {
  std::string bytes;
  const Status status = WriteDicom(pixels, options, &bytes);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return bytes;
}

DicomWriteOptions WithSyntax(DicomTransferSyntax syntax, int bits_stored = 14) {
  DicomWriteOptions options;
  options.transfer_syntax = syntax;
  options.bits_stored = bits_stored;
  return options;
}

Image MustDecode(const std::string& bytes) {
  Image image;
  const Status status = DecodeDicom(bytes, DecodeLimits{}, &image);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return image;
}

double MeanAbsoluteDifference(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat a32, b32;
  a.convertTo(a32, CV_32F);
  b.convertTo(b32, CV_32F);
  return cv::mean(cv::abs(a32 - b32))[0];
}

double MaxAbsoluteDifference(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat a32, b32;
  a.convertTo(a32, CV_32F);
  b.convertTo(b32, CV_32F);
  double max_value = 0;
  cv::minMaxLoc(cv::abs(a32 - b32), nullptr, &max_value);
  return max_value;
}

bool Identical(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::countNonZero(a != b) == 0;
}

// 14 bits stored, or as many as the syntax carries (8 for JPEG baseline, 12 for extended).
int BitsFor(DicomTransferSyntax syntax) { return std::min(14, MaxBitsStored(syntax)); }

cv::Mat OriginalFor(DicomTransferSyntax syntax) {
  return MakeCodecTestImage(kRows, kColumns, BitsFor(syntax));
}

// --- Every transfer syntax ---------------------------------------------------------------------

class TransferSyntaxTest : public ::testing::TestWithParam<DicomTransferSyntax> {};

TEST_P(TransferSyntaxTest, DecodesToTheWrittenPixels) {
  const DicomTransferSyntax syntax = GetParam();
  const cv::Mat original = OriginalFor(syntax);
  const int bits = BitsFor(syntax);
  const std::string bytes = MustWrite(original, WithSyntax(syntax, bits));
  ASSERT_TRUE(LooksLikeDicom(bytes));

  const Image image = MustDecode(bytes);
  ASSERT_EQ(image.pixels.size(), original.size());
  EXPECT_EQ(image.pixels.type(), original.type());
  EXPECT_EQ(image.bits_stored, bits);
  EXPECT_EQ(image.format, "dicom");
  EXPECT_EQ(image.transfer_syntax, TransferSyntaxUid(syntax));
  EXPECT_EQ(image.display.type(), CV_8UC1);
  EXPECT_EQ(image.display.size(), original.size());
  // The syntax's table row, which the pixel checks below hold to what the codec does.
  EXPECT_EQ(image.lossy, !IsLossless(syntax)) << TransferSyntaxLabel(syntax);
  const double range = (1 << bits) - 1;
  if (IsLossless(syntax)) {
    EXPECT_TRUE(Identical(image.pixels, original)) << TransferSyntaxLabel(syntax);
  } else if (syntax == DicomTransferSyntax::kJpegLsNearLossless) {
    EXPECT_LE(MaxAbsoluteDifference(image.pixels, original), 2.0);  // the requested NEAR
    EXPECT_FALSE(Identical(image.pixels, original));
  } else {
    EXPECT_LT(MeanAbsoluteDifference(image.pixels, original), 0.01 * range)
        << TransferSyntaxLabel(syntax);
  }
}

INSTANTIATE_TEST_SUITE_P(AllReadable, TransferSyntaxTest,
                         ::testing::ValuesIn(ReadableTransferSyntaxes()), [](const auto& info) {
                           return std::string(TransferSyntaxLabel(info.param));
                         });

TEST(DicomReaderTest, BareDatasetWithoutPreambleIsRecognisedAndDecoded) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 14);
  for (DicomTransferSyntax syntax : {DicomTransferSyntax::kImplicitVrLittleEndian,
                                     DicomTransferSyntax::kExplicitVrLittleEndian}) {
    DicomWriteOptions options = WithSyntax(syntax);
    options.with_meta_header = false;
    const std::string bytes = MustWrite(original, options);
    ASSERT_NE(bytes.substr(128, 4), "DICM");
    EXPECT_TRUE(LooksLikeDicom(bytes)) << TransferSyntaxLabel(syntax);
    EXPECT_TRUE(Identical(MustDecode(bytes).pixels, original)) << TransferSyntaxLabel(syntax);
  }
}

TEST(DicomReaderTest, PeekReadsTheSizeFromTheHeader) {
  for (DicomTransferSyntax syntax :
       {DicomTransferSyntax::kExplicitVrLittleEndian,
        DicomTransferSyntax::kDeflatedExplicitVrLittleEndian, DicomTransferSyntax::kJpeg2000}) {
    const std::string bytes =
        MustWrite(MakeCodecTestImage(kRows, kColumns, 14), WithSyntax(syntax));
    int width = 0, height = 0;
    ASSERT_TRUE(PeekDicomDimensions(bytes, &width, &height)) << TransferSyntaxLabel(syntax);
    EXPECT_EQ(width, kColumns);
    EXPECT_EQ(height, kRows);
  }
  int width = 0, height = 0;
  EXPECT_FALSE(PeekDicomDimensions("not DICOM at all", &width, &height));
}

// Fuzz finding (fuzz_format_peeks): Rows or Columns 0 gave a size of 0 "successfully".
TEST(DicomReaderTest, PeekRefusesAZeroSize) {
  std::string bytes = MustWrite(MakeCodecTestImage(kRows, kColumns, 14),
                                WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian));
  const std::string rows_element("\x28\x00\x10\x00US\x02\x00", 8);  // (0028,0010) US, 2 bytes
  const size_t at = bytes.find(rows_element);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 8] = 0;
  bytes[at + 9] = 0;
  int width = -1, height = -1;
  EXPECT_FALSE(PeekDicomDimensions(bytes, &width, &height)) << width << "x" << height;
}

TEST(DicomReaderTest, JpegTwoThousandFrameSplitIntoFragmentsIsJoined) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 14);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kJpeg2000Lossless);
  options.jpeg2000_fragment_bytes = 1000;
  EXPECT_TRUE(Identical(MustDecode(MustWrite(original, options)).pixels, original));
}

TEST(DicomReaderTest, SopAndStudyInstanceUidsAreRead) {
  const Image image = MustDecode(MustWrite(MakeCodecTestImage(kRows, kColumns, 12), {}));
  const auto is_uid = [](const std::string& uid) {
    return !uid.empty() && uid.size() <= 64 &&
           uid.find_first_not_of("0123456789.") == std::string::npos;
  };
  EXPECT_TRUE(is_uid(image.sop_instance_uid)) << image.sop_instance_uid;
  EXPECT_TRUE(is_uid(image.study_instance_uid)) << image.study_instance_uid;
  EXPECT_NE(image.sop_instance_uid, image.study_instance_uid);
}

TEST(DicomReaderTest, LooksLikeDicomRejectsOtherContent) {
  EXPECT_FALSE(LooksLikeDicom(""));
  EXPECT_FALSE(LooksLikeDicom("\x89PNG\r\n\x1a\n0000000000000000"));
  EXPECT_FALSE(LooksLikeDicom("P5\n1024 1024\n255\n"));
  EXPECT_FALSE(LooksLikeDicom(std::string(200, '\0')));
}

// --- Grey levels -------------------------------------------------------------------------------

TEST(DicomGreyLevelTest, Monochrome1IsInvertedSoThatDenseIsBright) {
  std::vector<testing::CodecTestSpot> spots;
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 14, 7, &spots);
  cv::Mat stored;
  cv::subtract(cv::Scalar(16383), original, stored, cv::noArray(), CV_16U);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian);
  options.monochrome1 = true;
  const Image image = MustDecode(MustWrite(stored, options));
  EXPECT_TRUE(Identical(image.pixels, original));
  // The display is inverted too: a calcification is brighter than the background corner.
  const testing::CodecTestSpot& spot = spots.front();
  EXPECT_GT(image.display.at<std::uint8_t>(spot.y, spot.x),
            image.display.at<std::uint8_t>(0, kColumns - 1));

  // With a window, the display is the inverted windowed stored value (the window is defined
  // on the stored values, where the spot is dark).
  options.window = DicomWindow{8000.0, 6000.0, "LINEAR_EXACT"};
  const Image windowed = MustDecode(MustWrite(stored, options));
  const double stored_spot = stored.at<std::uint16_t>(spot.y, spot.x);
  const double expected =
      255.0 - std::clamp(((stored_spot - 8000.0) / 6000.0 + 0.5) * 255.0, 0.0, 255.0);
  EXPECT_NEAR(windowed.display.at<std::uint8_t>(spot.y, spot.x), expected, 0.51);
  EXPECT_TRUE(Identical(windowed.pixels, original));
}

TEST(DicomGreyLevelTest, RescaleSlopeAndInterceptAreApplied) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  options.rescale_slope = 2.0;
  options.rescale_intercept = 100.0;
  const Image image = MustDecode(MustWrite(original, options));
  cv::Mat expected;
  original.convertTo(expected, CV_16U, 2.0, 100.0);
  EXPECT_TRUE(Identical(image.pixels, expected));
  EXPECT_EQ(image.bits_stored, 14);  // 2 * 4095 + 100 = 8290 needs 14 bits
}

TEST(DicomGreyLevelTest, ModalityLutSequenceIsApplied) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  DicomLut lut;
  lut.bits_per_entry = 16;
  for (int i = 0; i < 4096; ++i) lut.data.push_back(std::uint16_t(i * 3));
  options.modality_lut = lut;
  const Image image = MustDecode(MustWrite(original, options));
  cv::Mat expected;
  original.convertTo(expected, CV_16U, 3.0);
  EXPECT_TRUE(Identical(image.pixels, expected));
}

// Expected display values straight from PS3.3 C.11.2.1.2, computed independently here.
double StandardWindow(const std::string& function, double c, double w, double x) {
  if (function == "SIGMOID") return 255.0 / (1.0 + std::exp(-4.0 * (x - c) / w));
  if (function == "LINEAR_EXACT") {
    if (x <= c - w / 2) return 0;
    if (x > c + w / 2) return 255;
    return ((x - c) / w + 0.5) * 255;
  }
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return 255;
  return ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
}

class WindowTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WindowTest, DisplayFollowsTheWindowAndPixelsDoNot) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  options.window = DicomWindow{2000.0, 1200.0, GetParam()};
  const Image image = MustDecode(MustWrite(original, options));
  EXPECT_TRUE(Identical(image.pixels, original));  // never windowed
  int mismatches = 0;
  for (int y = 0; y < kRows; ++y) {
    for (int x = 0; x < kColumns; ++x) {
      const double expected =
          StandardWindow(GetParam(), 2000.0, 1200.0, original.at<std::uint16_t>(y, x));
      if (std::abs(image.display.at<std::uint8_t>(y, x) - expected) > 0.51) ++mismatches;
    }
  }
  EXPECT_EQ(mismatches, 0);
  double low = 0, high = 0;
  cv::minMaxLoc(image.display, &low, &high);
  EXPECT_EQ(high, 255);  // the spots saturate
}

INSTANTIATE_TEST_SUITE_P(VoiFunctions, WindowTest,
                         ::testing::Values("", "LINEAR", "LINEAR_EXACT", "SIGMOID"),
                         [](const auto& info) {
                           return info.param.empty() ? std::string("Default") : info.param;
                         });

TEST(DicomGreyLevelTest, VoiLutSequenceProducesTheDisplay) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  DicomLut lut;
  lut.first_mapped = 0;
  lut.bits_per_entry = 8;
  for (int i = 0; i < 4096; ++i) lut.data.push_back(std::uint16_t(255 - i / 16));  // inverting
  options.voi_lut = lut;
  const Image image = MustDecode(MustWrite(original, options));
  cv::Mat expected(original.size(), CV_8UC1);
  for (int y = 0; y < kRows; ++y)
    for (int x = 0; x < kColumns; ++x)
      expected.at<std::uint8_t>(y, x) = std::uint8_t(255 - original.at<std::uint16_t>(y, x) / 16);
  EXPECT_TRUE(Identical(image.display, expected));
  EXPECT_TRUE(Identical(image.pixels, original));
}

TEST(DicomGreyLevelTest, VoiLutDeclaringTooFewBitsIsScaledByItsData) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  DicomLut lut;
  lut.bits_per_entry = 8;  // wrong: the entries below need 12 bits
  for (int i = 0; i < 4096; ++i) lut.data.push_back(std::uint16_t(i));
  options.voi_lut = lut;
  const Image image = MustDecode(MustWrite(original, options));
  cv::Mat expected;
  original.convertTo(expected, CV_8U, 255.0 / 4095.0);
  EXPECT_LE(MaxAbsoluteDifference(image.display, expected), 1.0);
}

TEST(DicomGreyLevelTest, WithoutVoiTheDisplaySpansTheImageRange) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 14);
  const Image image =
      MustDecode(MustWrite(original, WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian)));
  double low = 0, high = 0;
  cv::minMaxLoc(image.display, &low, &high);
  EXPECT_EQ(low, 0);
  EXPECT_EQ(high, 255);
}

TEST(DicomGreyLevelTest, EightBitImagesStayEightBit) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 8);
  const Image image =
      MustDecode(MustWrite(original, WithSyntax(DicomTransferSyntax::kRleLossless, 8)));
  EXPECT_EQ(image.pixels.type(), CV_8UC1);
  EXPECT_EQ(image.bits_stored, 8);
  EXPECT_TRUE(Identical(image.pixels, original));
}

TEST(DicomGreyLevelTest, LinearForProcessingDataAreLogTransformed) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  options.for_processing = true;
  options.pixel_intensity_relationship = "LIN";
  const Image image = MustDecode(MustWrite(original, options));
  ASSERT_EQ(image.pixels.type(), CV_16UC1);
  EXPECT_EQ(image.bits_stored, 12);
  int mismatches = 0;
  for (int y = 0; y < kRows; ++y) {
    for (int x = 0; x < kColumns; ++x) {
      const double expected =
          std::round(std::log1p(original.at<std::uint16_t>(y, x)) / std::log1p(4095.0) * 4095.0);
      if (image.pixels.at<std::uint16_t>(y, x) != expected) ++mismatches;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(DicomGreyLevelTest, LogarithmicForProcessingDataAreKept) {
  const cv::Mat original = MakeCodecTestImage(kRows, kColumns, 12);
  DicomWriteOptions options = WithSyntax(DicomTransferSyntax::kExplicitVrLittleEndian, 12);
  options.for_processing = true;
  options.pixel_intensity_relationship = "LOG";
  EXPECT_TRUE(Identical(MustDecode(MustWrite(original, options)).pixels, original));
}

// --- Scale and descriptors ---------------------------------------------------------------------

TEST(DicomScaleTest, ImagerPixelSpacingIsCorrectedForMagnification) {
  DicomWriteOptions options;
  options.imager_pixel_spacing_mm = 0.1;
  options.magnification_factor = 1.25;
  options.pixel_spacing_mm = 0.07;  // ignored: Imager Pixel Spacing wins
  const Image image = MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options));
  EXPECT_NEAR(image.file_spacing_mm, 0.08, 1e-9);
  EXPECT_EQ(image.file_spacing_source, SpacingSource::kImagerPixelSpacing);
}

TEST(DicomScaleTest, ImagerPixelSpacingWithoutMagnificationIsUsedAsIs) {
  DicomWriteOptions options;
  options.imager_pixel_spacing_mm = 0.085;
  const Image image = MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options));
  EXPECT_NEAR(image.file_spacing_mm, 0.085, 1e-9);
  EXPECT_EQ(SpacingSourceName(image.file_spacing_source), "imager_pixel_spacing");
}

TEST(DicomScaleTest, PixelSpacingIsTheFallback) {
  DicomWriteOptions options;
  options.pixel_spacing_mm = 0.07;
  const Image image = MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options));
  EXPECT_NEAR(image.file_spacing_mm, 0.07, 1e-9);
  EXPECT_EQ(SpacingSourceName(image.file_spacing_source), "pixel_spacing");
}

TEST(DicomScaleTest, NoSpacingGivesZeroAndDefault) {
  const Image image =
      MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), DicomWriteOptions{}));
  EXPECT_EQ(image.file_spacing_mm, 0.0);
  EXPECT_EQ(SpacingSourceName(image.file_spacing_source), "default");
}

TEST(DicomDescriptorTest, LateralityViewAndPresentationIntentAreRead) {
  DicomWriteOptions options;
  options.pixel_intensity_relationship = "LOG";
  options.laterality = "L";
  options.view = "MLO";
  options.for_processing = true;
  const Image image = MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options));
  EXPECT_EQ(image.laterality, "L");
  EXPECT_EQ(image.view, "MLO");
  EXPECT_EQ(image.presentation_intent, "FOR PROCESSING");
  options.for_processing = false;
  EXPECT_EQ(MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options)).presentation_intent,
            "FOR PRESENTATION");
}

TEST(DicomDescriptorTest, SeriesLateralityIsTheFallback) {
  DicomWriteOptions options;
  options.series_laterality = "R";
  EXPECT_EQ(MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options)).laterality, "R");
  options.laterality = "L";  // Image Laterality wins when both are present
  EXPECT_EQ(MustDecode(MustWrite(MakeCodecTestImage(64, 64, 12), options)).laterality, "L");
}

TEST(DicomReaderTest, ConcurrentDecodesAgree) {
  std::vector<std::string> files;
  std::vector<cv::Mat> originals;
  for (DicomTransferSyntax syntax : ReadableTransferSyntaxes()) {
    originals.push_back(OriginalFor(syntax));
    files.push_back(MustWrite(originals.back(), WithSyntax(syntax, BitsFor(syntax))));
  }
  std::vector<Image> sequential(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) sequential[i] = MustDecode(files[i]);
  std::vector<std::thread> threads;
  std::atomic<int> disagreements{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < files.size(); ++i) {
          Image image;
          if (!DecodeDicom(files[i], DecodeLimits{}, &image).ok() ||
              !Identical(image.pixels, sequential[i].pixels)) {
            ++disagreements;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(disagreements.load(), 0);
}

// --- Refusals ----------------------------------------------------------------------------------

Status DecodeStatus(const std::string& bytes, DecodeLimits limits = {}) {
  Image image;
  return DecodeDicom(bytes, limits, &image);
}

TEST(DicomRefusalTest, MultiFrameIsNotASingleImage) {
  DicomWriteOptions options;
  options.number_of_frames = 3;
  for (DicomTransferSyntax syntax :
       {DicomTransferSyntax::kExplicitVrLittleEndian, DicomTransferSyntax::kJpeg2000Lossless}) {
    options.transfer_syntax = syntax;
    const Status status = DecodeStatus(MustWrite(MakeCodecTestImage(64, 64, 12), options));
    EXPECT_EQ(status.code(), ErrorCode::kNotAnImage) << status.ToString();
    EXPECT_NE(status.message().find("multi-frame"), std::string::npos) << status.message();
  }
}

TEST(DicomRefusalTest, ImageWithoutPixelDataIsNotAnImage) {
  const std::string bytes = MustWrite(MakeCodecTestImage(64, 64, 12), DicomWriteOptions{});
  // Pixel Data is the last element: cutting just before it leaves a complete, pixel-less file.
  const std::size_t pixel_data = bytes.rfind(std::string("\xE0\x7F\x10\x00OW", 6));
  ASSERT_NE(pixel_data, std::string::npos);
  const Status status = DecodeStatus(bytes.substr(0, pixel_data));
  EXPECT_EQ(status.code(), ErrorCode::kNotAnImage) << status.ToString();
  EXPECT_NE(status.message().find("no Pixel Data"), std::string::npos) << status.message();
}

TEST(DicomRefusalTest, StructuredReportIsNotAnImage) {
  std::string bytes;
  ASSERT_TRUE(WriteDicomNonImage(DicomNonImage::kStructuredReport, &bytes).ok());
  ASSERT_TRUE(LooksLikeDicom(bytes));
  const Status status = DecodeStatus(bytes);
  EXPECT_EQ(status.code(), ErrorCode::kNotAnImage);
  EXPECT_NE(status.message().find("structured report"), std::string::npos) << status.message();
}

TEST(DicomRefusalTest, PresentationStateIsNotAnImage) {
  std::string bytes;
  ASSERT_TRUE(WriteDicomNonImage(DicomNonImage::kPresentationState, &bytes).ok());
  const Status status = DecodeStatus(bytes);
  EXPECT_EQ(status.code(), ErrorCode::kNotAnImage);
  EXPECT_NE(status.message().find("presentation state"), std::string::npos) << status.message();
}

TEST(DicomRefusalTest, BigEndianIsRefusedByName) {
  const Status status =
      DecodeStatus(MustWrite(MakeCodecTestImage(64, 64, 12),
                             WithSyntax(DicomTransferSyntax::kExplicitVrBigEndian, 12)));
  EXPECT_EQ(status.code(), ErrorCode::kUnsupportedTransferSyntax);
  EXPECT_NE(status.message().find("Explicit VR Big Endian"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("(1.2.840.10008.1.2.2)"), std::string::npos) << status.message();
}

TEST(DicomRefusalTest, JpegTwoThousandPartTwoIsRefusedByName) {
  std::string bytes = MustWrite(MakeCodecTestImage(64, 64, 12),
                                WithSyntax(DicomTransferSyntax::kJpeg2000Lossless, 12));
  // Same length UID, so the meta header stays valid: .4.90 -> .4.92 (Part 2 multi-component).
  const std::size_t at = bytes.find("1.2.840.10008.1.2.4.90");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 21] = '2';
  const Status status = DecodeStatus(bytes);
  EXPECT_EQ(status.code(), ErrorCode::kUnsupportedTransferSyntax);
  EXPECT_NE(status.message().find("Multi-component"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("1.2.840.10008.1.2.4.92"), std::string::npos) << status.message();
}

TEST(DicomRefusalTest, TooManyPixelsIsCheckedFromTheHeader) {
  DecodeLimits limits;
  limits.max_pixels = 64 * 64 - 1;
  const Status status =
      DecodeStatus(MustWrite(MakeCodecTestImage(64, 64, 12), DicomWriteOptions{}), limits);
  EXPECT_EQ(status.code(), ErrorCode::kTooManyPixels) << status.ToString();
}

TEST(DicomRefusalTest, TruncatedFileIsCorrupt) {
  const std::string bytes = MustWrite(MakeCodecTestImage(64, 64, 12), DicomWriteOptions{});
  EXPECT_EQ(DecodeStatus(bytes.substr(0, bytes.size() - 100)).code(), ErrorCode::kCorruptImage);
  EXPECT_EQ(DecodeStatus(bytes.substr(0, 140)).code(), ErrorCode::kCorruptImage);
}

// --- mini-MIAS wrapped as DICOM ----------------------------------------------------------------

std::filesystem::path SharedData() { return MAMMOCAD_SHARED_DATA_DIR; }

TEST(DicomMiniMiasTest, WrappedImagesDecodeToTheSamePixels) {
  const std::filesystem::path dir = SharedData() / "mini-mias-dev";
  const std::vector<std::string> names = {"mdb001.pgm", "mdb209.pgm"};  // 209 holds calcifications
  if (!std::filesystem::exists(dir / names[0])) {
    GTEST_SKIP() << "mini-MIAS development images not found in " << dir;
  }
  for (const std::string& name : names) {
    const cv::Mat original = cv::imread((dir / name).string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(original.type(), CV_8UC1) << name;
    for (DicomTransferSyntax syntax : ReadableTransferSyntaxes()) {
      DicomWriteOptions options = WithSyntax(syntax, 8);
      options.pixel_spacing_mm = 0.2;
      SCOPED_TRACE(TransferSyntaxLabel(syntax));
      const Image image = MustDecode(MustWrite(original, options));
      ASSERT_EQ(image.pixels.type(), CV_8UC1) << name << " " << TransferSyntaxLabel(syntax);
      if (IsLossless(syntax)) {
        EXPECT_TRUE(Identical(image.pixels, original))
            << name << " " << TransferSyntaxLabel(syntax);
      } else {
        EXPECT_LT(MeanAbsoluteDifference(image.pixels, original), 3.0)
            << name << " " << TransferSyntaxLabel(syntax);
      }
      EXPECT_NEAR(image.file_spacing_mm, 0.2, 1e-9);
    }
  }
}

}  // namespace
}  // namespace mammocad

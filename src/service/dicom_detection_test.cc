// Issue 3's promise: the same mammogram gives the same findings whatever its DICOM wrapping
// (transfer syntax, MONOCHROME1/2, scale from the header), compared as OpenCV's dnn tests do:
// by IoU and score tolerance, not byte equality.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/decode.h"
#include "mammocad/detector.h"
#include "dicom/dicom_writer.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

constexpr double kSpacingMm = 0.1;

double IoU(const cv::Rect& a, const cv::Rect& b) {
  double overlap = (a & b).area();
  return overlap / (a.area() + b.area() - overlap);
}

// Every reference finding has a match (IoU >= 0.5, score within `tolerance`) and vice versa.
void ExpectSameFindings(const std::vector<Finding>& expected, const std::vector<Finding>& actual,
                        double score_tolerance, const std::string& label) {
  ASSERT_EQ(actual.size(), expected.size()) << label;
  for (const Finding& e : expected) {
    bool matched = false;
    for (const Finding& a : actual)
      matched |= IoU(e.box, a.box) >= 0.5 && std::abs(e.score - a.score) <= score_tolerance;
    EXPECT_TRUE(matched) << label << ": no match for the finding at " << e.box << " scoring "
                         << e.score;
  }
}

// The image reduced to `bits` (as a JPEG baseline/extended file must carry it).
Image AtDepth(const Image& image16, int bits) {
  Image reduced = image16;
  if (bits == 16) return reduced;
  cv::Mat pixels;
  image16.pixels.convertTo(pixels, bits == 8 ? CV_8U : CV_16U, 1.0 / double(1 << (16 - bits)));
  reduced.pixels = pixels;
  reduced.bits_stored = bits;
  return reduced;
}

std::vector<Finding> DetectOrDie(const Image& image) {
  DetectionResult result;
  Status status = Detector().Detect(image, DetectOptions(), &result);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result.findings;
}

class DicomDetectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SyntheticOptions options;
    options.width = 1024;
    options.height = 1024;
    options.spacing_mm = kSpacingMm;
    options.bits = 16;
    options.seed = 11;
    options.clusters = 2;
    mammogram_ = new SyntheticMammogram(MakeSyntheticMammogram(options));
  }
  static void TearDownTestSuite() { delete mammogram_; }
  static SyntheticMammogram* mammogram_;
};
SyntheticMammogram* DicomDetectionTest::mammogram_ = nullptr;

TEST_F(DicomDetectionTest, EverySyntaxGivesTheSameFindings) {
  for (DicomTransferSyntax syntax : ReadableTransferSyntaxes()) {
    std::string label(TransferSyntaxLabel(syntax));
    int bits = MaxBitsStored(syntax);
    Image reference = AtDepth(mammogram_->image, bits);
    std::vector<Finding> expected = DetectOrDie(reference);
    ASSERT_FALSE(expected.empty()) << label << ": the synthetic clusters must be found";

    DicomWriteOptions write;
    write.transfer_syntax = syntax;
    write.bits_stored = bits;
    // Lossy JPEG 2000 at 10:1, the ratio generally held acceptable for diagnostic
    // mammograms. At 20:1 the wavelet artefacts added false clusters on this image (seen
    // while writing this test): heavier compression is outside what the detector promises.
    write.jpeg2000_ratio = 10;
    write.imager_pixel_spacing_mm = kSpacingMm;
    std::string bytes;
    ASSERT_TRUE(WriteDicom(reference.pixels, write, &bytes).ok()) << label;
    Image decoded;
    Status status = DecodeImage(bytes, DecodeLimits(), &decoded);
    ASSERT_TRUE(status.ok()) << label << ": " << status.ToString();
    EXPECT_EQ(decoded.format, "dicom");
    EXPECT_DOUBLE_EQ(decoded.file_spacing_mm, kSpacingMm) << label;
    // Lossy syntaxes move pixel values a little; scores may move a little too.
    ExpectSameFindings(expected, DetectOrDie(decoded), IsLossless(syntax) ? 1e-9 : 0.05, label);
  }
}

TEST_F(DicomDetectionTest, Monochrome1GivesTheSameFindings) {
  std::vector<Finding> expected = DetectOrDie(mammogram_->image);
  cv::Mat inverted;
  cv::subtract(cv::Scalar::all(65535), mammogram_->image.pixels, inverted);
  DicomWriteOptions write;
  write.monochrome1 = true;
  write.imager_pixel_spacing_mm = kSpacingMm;
  std::string bytes;
  ASSERT_TRUE(WriteDicom(inverted, write, &bytes).ok());
  Image decoded;
  ASSERT_TRUE(DecodeImage(bytes, DecodeLimits(), &decoded).ok());
  ExpectSameFindings(expected, DetectOrDie(decoded), 1e-9, "MONOCHROME1");
}

TEST_F(DicomDetectionTest, MagnificationCorrectedSpacingIsUsed) {
  DicomWriteOptions write;
  write.imager_pixel_spacing_mm = kSpacingMm * 1.15;
  write.magnification_factor = 1.15;
  std::string bytes;
  ASSERT_TRUE(WriteDicom(mammogram_->image.pixels, write, &bytes).ok());
  Image decoded;
  ASSERT_TRUE(DecodeImage(bytes, DecodeLimits(), &decoded).ok());
  DetectionResult result;
  ASSERT_TRUE(Detector().Detect(decoded, DetectOptions(), &result).ok());
  EXPECT_NEAR(result.spacing_mm, kSpacingMm, 1e-9);
  EXPECT_EQ(result.spacing_source, SpacingSource::kImagerPixelSpacing);
  ExpectSameFindings(DetectOrDie(mammogram_->image), result.findings, 1e-9, "magnification");
}

}  // namespace
}  // namespace mammocad

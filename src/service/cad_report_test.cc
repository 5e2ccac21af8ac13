#include "service/cad_report.h"

#include <gtest/gtest.h>

#include "dicom/cad_sr.h"
#include "dicom/dicom_writer.h"
#include "service/task_registry.h"

namespace mammocad {
namespace {

class CadReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeTask("BreastCalcify", TaskSettings(), &task_).ok());
  }
  std::unique_ptr<const DetectionTask> task_;
};

TEST_F(CadReportTest, ADicomImagesReportIsAMammographyCadSr) {
  std::string dicom;
  ASSERT_TRUE(WriteDicom(cv::Mat(64, 64, CV_16UC1, cv::Scalar(900)), DicomWriteOptions(), &dicom)
                  .ok());
  ImageAnalysis analysis;
  analysis.image.format = "dicom";
  Finding finding;
  finding.box = cv::Rect(5, 6, 7, 8);
  finding.score = 0.5;
  analysis.detection.findings = {finding};
  std::string report;
  ASSERT_TRUE(MakeCadReport(analysis, dicom, *task_, DecodeLimits(), 1, &report).ok());
  EXPECT_EQ(report.substr(128, 4), "DICM");
  EXPECT_NE(report.find(std::string(MammographyCadSrSopClassUid())), std::string::npos);
  EXPECT_NE(report.find("mammocad BreastCalcify"), std::string::npos);  // the algorithm's name
}

TEST_F(CadReportTest, OtherFormatsAreABadParameterNamingTheImage) {
  ImageAnalysis analysis;
  analysis.image.format = "png";
  std::string report;
  const Status status = MakeCadReport(analysis, "\x89PNG", *task_, DecodeLimits(), 2, &report);
  EXPECT_EQ(status.code(), ErrorCode::kBadParameter);
  EXPECT_NE(status.message().find("image 2 is png, not DICOM"), std::string::npos)
      << status.message();
  EXPECT_TRUE(report.empty());
}

TEST_F(CadReportTest, AnUnreferenceableSourceKeepsItsErrorWithThePosition) {
  ImageAnalysis analysis;
  analysis.image.format = "dicom";
  std::string report;
  const Status status = MakeCadReport(analysis, std::string(200, 'x'), *task_, DecodeLimits(), 3,
                                      &report);
  EXPECT_EQ(status.code(), ErrorCode::kCorruptImage);
  EXPECT_EQ(status.message().rfind("image 3: ", 0), 0u) << status.message();
}

}  // namespace
}  // namespace mammocad

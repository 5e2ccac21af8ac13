// Real GE and Hologic mammography headers (OpenREM test data, stub pixels): each gives a clean
// answer, and no answer ever carries the patient data those files hold.
#include <dcmtk/config/osconfig.h>  // tests of the DICOM bridge may read files with DCMTK
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mammocad/dicom.h"

namespace mammocad {
namespace {

std::filesystem::path HeaderDir() {
  return std::filesystem::path(MAMMOCAD_SHARED_DATA_DIR) / "dicom-mg-headers";
}

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

#define SKIP_WITHOUT_HEADERS()                                                         \
  if (!std::filesystem::exists(HeaderDir() / "MG-Im-GE_Seno_1_ForPresentation.dcm")) { \
    GTEST_SKIP() << "vendor DICOM headers not found in " << HeaderDir();               \
  }

struct Expected {
  std::string file;
  ErrorCode code;
  int bits_stored;
  std::string intent;
  std::string laterality;
  std::string view;
  double spacing_mm;
};

TEST(DicomVendorHeaderTest, EachFileGivesTheExpectedCleanAnswer) {
  SKIP_WITHOUT_HEADERS();
  // Imager Pixel Spacing 0.094090909 with magnification 1; GE's Pixel Spacing (tens of mm,
  // obviously not a pixel pitch) is not used because Imager Pixel Spacing wins.
  const std::vector<Expected> expectations = {
      {"MG-Im-GE-SenDS-scaled.dcm", ErrorCode::kOk, 14, "FOR PROCESSING", "L", "CC", 0.094090909},
      {"MG-Im-GE_Seno_1_ForPresentation.dcm", ErrorCode::kOk, 12, "FOR PRESENTATION", "L", "CC",
       0.094090909},
      {"MG-Im-GE_Seno_1_ForProcessing.dcm", ErrorCode::kOk, 11, "FOR PROCESSING", "L", "CC",
       0.094090909},
      {"MG-Im-GE_Seno_2_ForPresentation.dcm", ErrorCode::kOk, 11, "FOR PRESENTATION", "L", "CC",
       0.094090909},
      // The stub is cut inside a private sequence whose length runs past the end of the file.
      {"MG-Im-Hologic-PropProj.dcm", ErrorCode::kCorruptImage, 0, "", "", "", 0.0},
  };
  for (const Expected& expected : expectations) {
    SCOPED_TRACE(expected.file);
    const std::string bytes = ReadBytes(HeaderDir() / expected.file);
    EXPECT_TRUE(LooksLikeDicom(bytes));
    Image image;
    const Status status = DecodeDicom(bytes, DecodeLimits{}, &image);
    ASSERT_EQ(status.code(), expected.code) << status.ToString();
    if (!status.ok()) continue;
    EXPECT_EQ(image.bits_stored, expected.bits_stored);
    EXPECT_EQ(image.presentation_intent, expected.intent);
    EXPECT_EQ(image.laterality, expected.laterality);
    EXPECT_EQ(image.view, expected.view);
    EXPECT_NEAR(image.file_spacing_mm, expected.spacing_mm, 1e-9);
    EXPECT_EQ(image.file_spacing_source, SpacingSource::kImagerPixelSpacing);
    EXPECT_EQ(image.transfer_syntax, "1.2.840.10008.1.2.1");
    EXPECT_FALSE(image.pixels.empty());
    EXPECT_EQ(image.display.size(), image.pixels.size());
  }
}

// The identifying values each file holds, read with DCMTK directly.
std::vector<std::string> IdentifyingValues(const std::filesystem::path& path) {
  DcmFileFormat file;
  file.loadFile(path.string().c_str());
  std::vector<std::string> values;
  for (const DcmTagKey& tag :
       {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_StudyDate, DCM_AcquisitionDate,
        DCM_ContentDate, DCM_AccessionNumber, DCM_InstitutionName}) {
    OFString value;
    if (file.getDataset()->findAndGetOFStringArray(tag, value).good() && value.size() >= 4) {
      values.emplace_back(value.c_str());
    }
  }
  return values;
}

TEST(DicomPrivacyTest, AnswersNeverContainPatientData) {
  SKIP_WITHOUT_HEADERS();
  int errors_checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(HeaderDir())) {
    if (entry.path().extension() != ".dcm") continue;
    const std::vector<std::string> secrets = IdentifyingValues(entry.path());
    ASSERT_FALSE(secrets.empty()) << entry.path();
    const std::string bytes = ReadBytes(entry.path());
    // The file itself, and damaged versions of it (cut at many places) so that every error
    // path that can be reached from a real header is exercised.
    std::vector<std::string> variants = {bytes};
    for (std::size_t cut = 150; cut < bytes.size(); cut += 97)
      variants.push_back(bytes.substr(0, cut));
    for (const std::string& variant : variants) {
      Image image;
      const Status status = DecodeDicom(variant, DecodeLimits{}, &image);
      const std::string answer = status.message() + "|" + image.laterality + "|" + image.view +
                                 "|" + image.presentation_intent + "|" + image.transfer_syntax;
      if (!status.ok()) ++errors_checked;
      for (const std::string& secret : secrets) {
        EXPECT_EQ(answer.find(secret), std::string::npos) << entry.path().filename();
      }
    }
  }
  EXPECT_GT(errors_checked, 100);  // the damaged variants really produced errors
}

}  // namespace
}  // namespace mammocad

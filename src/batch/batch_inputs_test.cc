#include "batch/batch_inputs.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "batch/test_folder.h"
#include "dicom/dicom_writer.h"
#include "testing/codec_test_image.h"

namespace mammocad {
namespace {

namespace fs = std::filesystem;

std::string Png() {
  std::vector<uchar> bytes;
  cv::imencode(".png", testing::MakeCodecTestImage(32, 32, 8), bytes);
  return std::string(bytes.begin(), bytes.end());
}

std::string Dicom() {
  std::string bytes;
  EXPECT_TRUE(WriteDicom(testing::MakeCodecTestImage(32, 32, 12), DicomWriteOptions{}, &bytes)
                  .ok());
  return bytes;
}

std::string Dicomdir(const std::vector<std::string>& ids) {
  std::string bytes;
  EXPECT_TRUE(WriteDicomdir(ids, &bytes).ok());
  return bytes;
}

std::vector<std::string> Relative(const BatchListing& listing) {
  std::vector<std::string> paths;
  for (const BatchInput& input : listing.inputs) paths.push_back(input.relative_path);
  return paths;
}

TEST(BatchInputs, FindsImagesByContentOrExtensionBelowFolders) {
  const fs::path root = FreshTestFolder();
  WriteTestFile(root / "b.png", Png());
  WriteTestFile(root / "nested/deeper/NOEXTENSION", Dicom());
  WriteTestFile(root / "nested/damaged.dcm", "not really DICOM");
  WriteTestFile(root / "nested/notes.txt", "a text file");
  const BatchListing listing = ListBatchInputs({root.string()}, DecodeLimits());
  EXPECT_EQ(Relative(listing), (std::vector<std::string>{"b.png", "nested/damaged.dcm",
                                                         "nested/deeper/NOEXTENSION"}));
  EXPECT_EQ(listing.skipped_not_images, 1);
  for (const BatchInput& input : listing.inputs) {
    EXPECT_TRUE(input.listing_error.ok()) << input.path;
    EXPECT_EQ(input.size_bytes, fs::file_size(input.path));
    EXPECT_GT(input.mtime_ns, 0);
    EXPECT_EQ(input.path, (root / input.relative_path).string());
  }
}

TEST(BatchInputs, FollowsDicomdirsOnceAndReportsMissingReferences) {
  const fs::path root = FreshTestFolder();
  WriteTestFile(root / "disc/IMAGES/IM1", Dicom());
  WriteTestFile(root / "disc/IMAGES/IM2", Dicom());
  WriteTestFile(root / "disc/DICOMDIR",
                Dicomdir({"IMAGES\\IM1", "IMAGES\\IM2", "IMAGES\\GONE"}));
  for (const std::string& argument :
       {root.string(), (root / "disc").string(), (root / "disc/DICOMDIR").string()}) {
    const BatchListing listing = ListBatchInputs({argument}, DecodeLimits());
    EXPECT_EQ(listing.dicomdirs, 1) << argument;
    ASSERT_EQ(listing.inputs.size(), 3u) << argument;  // the DICOMDIR itself is no input
    int missing = 0;
    for (const BatchInput& input : listing.inputs) {
      EXPECT_NE(input.path.find("IMAGES/"), std::string::npos) << input.path;
      if (!input.listing_error.ok()) {
        ++missing;
        EXPECT_EQ(input.listing_error.code(), ErrorCode::kIoError);
        EXPECT_NE(input.path.find("GONE"), std::string::npos);
      }
    }
    EXPECT_EQ(missing, 1) << argument;
  }
}

TEST(BatchInputs, ADamagedDicomdirIsAnErrorRow) {
  const fs::path root = FreshTestFolder();
  const std::string dicomdir = Dicomdir({"IM1"});
  WriteTestFile(root / "DICOMDIR", dicomdir.substr(0, dicomdir.size() - 5));
  const BatchListing listing = ListBatchInputs({root.string()}, DecodeLimits());
  ASSERT_EQ(listing.inputs.size(), 1u);
  EXPECT_EQ(listing.inputs[0].listing_error.code(), ErrorCode::kCorruptImage);
}

TEST(BatchInputs, NamedFilesAreAlwaysListedAndMissingOnesFail) {
  const fs::path root = FreshTestFolder();
  WriteTestFile(root / "notes.txt", "text");
  const BatchListing listing =
      ListBatchInputs({(root / "notes.txt").string(), (root / "absent.png").string(),
                       (root / "notes.txt").string()},
                      DecodeLimits());
  ASSERT_EQ(listing.inputs.size(), 2u);  // sorted, each once
  EXPECT_EQ(listing.inputs[0].relative_path, "absent.png");
  EXPECT_EQ(listing.inputs[0].listing_error.code(), ErrorCode::kIoError);
  EXPECT_NE(listing.inputs[0].listing_error.message().find("does not exist"), std::string::npos);
  EXPECT_EQ(listing.inputs[1].relative_path, "notes.txt");
  EXPECT_TRUE(listing.inputs[1].listing_error.ok());
}

}  // namespace
}  // namespace mammocad

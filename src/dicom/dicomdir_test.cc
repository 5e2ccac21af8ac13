// DICOMDIR: recognised by its meta header, its IMAGE records' file IDs as relative paths,
// hostile file IDs and damaged bytes refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dicom/dicom_writer.h"
#include "mammocad/dicom.h"
#include "testing/codec_test_image.h"

namespace mammocad {
namespace {

std::string MustWriteDicomdir(const std::vector<std::string>& file_ids) {
  std::string bytes;
  const Status status = WriteDicomdir(file_ids, &bytes);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return bytes;
}

TEST(Dicomdir, IsRecognisedByItsMetaHeaderNotAnImage) {
  const std::string dicomdir = MustWriteDicomdir({"IMAGES\\IM1"});
  EXPECT_TRUE(IsDicomdir(dicomdir));
  EXPECT_TRUE(IsDicomdir(std::string_view(dicomdir).substr(0, 4096)));
  std::string image;
  ASSERT_TRUE(WriteDicom(testing::MakeCodecTestImage(16, 16, 12), DicomWriteOptions{}, &image)
                  .ok());
  EXPECT_FALSE(IsDicomdir(image));
  EXPECT_FALSE(IsDicomdir(""));
  EXPECT_FALSE(IsDicomdir(std::string(200, 'x')));
}

TEST(Dicomdir, ListsImageRecordsAsRelativePaths) {
  const std::string dicomdir = MustWriteDicomdir({"IMAGES\\IM1", "IMAGES\\SUB\\IM2", "IM3"});
  std::vector<std::string> paths;
  const Status status = ReadDicomdirReferences(dicomdir, DecodeLimits(), &paths);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(paths, (std::vector<std::string>{"IMAGES/IM1", "IMAGES/SUB/IM2", "IM3"}));
}

TEST(Dicomdir, RefusesFileIdsThatLeaveItsFolder) {
  for (const std::string hostile : {"..\\ETC\\PASSWD", "IMAGES\\\\IM1", "/ETC/PASSWD", "A\\.\\B"}) {
    std::vector<std::string> paths;
    const Status status =
        ReadDicomdirReferences(MustWriteDicomdir({"OK", hostile}), DecodeLimits(), &paths);
    EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << hostile;
    EXPECT_NE(status.message().find("Referenced File ID"), std::string::npos) << hostile;
  }
}

TEST(Dicomdir, RefusesDamagedBytesAndImages) {
  const std::string dicomdir = MustWriteDicomdir({"IMAGES\\IM1", "IMAGES\\IM2"});
  std::vector<std::string> paths;
  EXPECT_EQ(ReadDicomdirReferences(dicomdir.substr(0, dicomdir.size() - 7), DecodeLimits(),
                                   &paths).code(),
            ErrorCode::kCorruptImage);
  std::string image;
  ASSERT_TRUE(WriteDicom(testing::MakeCodecTestImage(16, 16, 12), DicomWriteOptions{}, &image)
                  .ok());
  EXPECT_EQ(ReadDicomdirReferences(image, DecodeLimits(), &paths).code(),
            ErrorCode::kCorruptImage);
  DecodeLimits small;
  small.max_bytes = 100;
  EXPECT_EQ(ReadDicomdirReferences(dicomdir, small, &paths).code(),
            ErrorCode::kPayloadTooLarge);
}

}  // namespace
}  // namespace mammocad

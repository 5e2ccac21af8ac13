// Damaged DICOM input never crashes or hangs the reader: every truncation and many seeded
// random byte corruptions of a valid file in each transfer syntax give either an image or a
// clean error. This file also runs under AddressSanitizer/UBSan (mammocad_dicom_asan_tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "testing/codec_test_dicom.h"
#include "testing/codec_test_image.h"
#include "mammocad/dicom.h"
#include "dicom/dicom_writer.h"

namespace mammocad {
namespace {

constexpr int kRows = 40;
constexpr int kColumns = 48;

std::string ValidFile(DicomTransferSyntax syntax) {
  DicomWriteOptions options = testing::CodecTestDicomOptions(syntax);
  // Move-assigned strings: assigning a literal here trips a GCC 12 -Wrestrict false positive.
  options.laterality = std::string("R");
  options.view = std::string("CC");
  std::string bytes;
  const Status status =
      WriteDicom(testing::MakeCodecTestImage(kRows, kColumns, options.bits_stored), options,
                 &bytes);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return bytes;
}

// An answer is clean when it is an image that keeps the Image contract, or an error of the
// kinds the DICOM reader documents, with a message.
::testing::AssertionResult IsCleanAnswer(const std::string& bytes) {
  Image image;
  const Status status = DecodeDicom(bytes, DecodeLimits{}, &image);
  if (status.ok()) {
    const bool keeps_contract =
        !image.pixels.empty() &&
        (image.pixels.type() == CV_8UC1 || image.pixels.type() == CV_16UC1) &&
        image.bits_stored >= 1 && image.bits_stored <= 16 &&
        image.display.size() == image.pixels.size() && image.format == "dicom";
    return keeps_contract ? ::testing::AssertionSuccess()
                          : ::testing::AssertionFailure() << "ok but the image breaks its contract";
  }
  switch (status.code()) {
    case ErrorCode::kCorruptImage:
    case ErrorCode::kUnsupportedTransferSyntax:
    case ErrorCode::kNotAnImage:
    case ErrorCode::kTooManyPixels:
    case ErrorCode::kUnsupportedFormat:
    case ErrorCode::kEmptyFile:
      if (status.message().empty()) return ::testing::AssertionFailure() << "error without message";
      return ::testing::AssertionSuccess();
    default:
      return ::testing::AssertionFailure() << "unexpected error " << status.ToString();
  }
}

class DicomRobustnessTest : public ::testing::TestWithParam<DicomTransferSyntax> {};

TEST_P(DicomRobustnessTest, EveryTruncationGivesACleanAnswer) {
  const std::string bytes = ValidFile(GetParam());
  ASSERT_TRUE(IsCleanAnswer(bytes));
  int refused = 0;
  for (std::size_t length = 0; length < bytes.size(); length += 53) {
    const std::string cut = bytes.substr(0, length);
    EXPECT_TRUE(IsCleanAnswer(cut)) << "cut at " << length;
    Image image;
    if (!DecodeDicom(cut, DecodeLimits{}, &image).ok()) ++refused;
  }
  EXPECT_GT(refused, 0);
}

TEST_P(DicomRobustnessTest, RandomByteCorruptionGivesACleanAnswer) {
  const std::string bytes = ValidFile(GetParam());
  std::mt19937 random(20240101u + static_cast<unsigned>(GetParam()));
  std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 1);
  std::uniform_int_distribution<int> flips(1, 4), mask(1, 255);
  for (int trial = 0; trial < 500; ++trial) {
    std::string damaged = bytes;
    for (int i = flips(random); i > 0; --i)
      damaged[position(random)] ^= static_cast<char>(mask(random));
    EXPECT_TRUE(IsCleanAnswer(damaged)) << "trial " << trial;
  }
}

INSTANTIATE_TEST_SUITE_P(AllReadable, DicomRobustnessTest,
                         ::testing::ValuesIn(ReadableTransferSyntaxes()), [](const auto& info) {
                           return std::string(TransferSyntaxLabel(info.param));
                         });

// Real vendor headers (GE/Hologic, with their private elements), damaged the same ways.
TEST(DicomRobustnessVendorTest, DamagedVendorHeadersGiveACleanAnswer) {
  const std::filesystem::path dir =
      std::filesystem::path(MAMMOCAD_SHARED_DATA_DIR) / "dicom-mg-headers";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "vendor DICOM headers not found in " << dir;
  std::mt19937 random(7u);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".dcm") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_TRUE(IsCleanAnswer(bytes));
    for (std::size_t length = 0; length < bytes.size(); length += 97) {
      EXPECT_TRUE(IsCleanAnswer(bytes.substr(0, length))) << "cut at " << length;
    }
    std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 1);
    for (int trial = 0; trial < 200; ++trial) {
      std::string damaged = bytes;
      damaged[position(random)] ^= static_cast<char>(1 + trial % 255);
      EXPECT_TRUE(IsCleanAnswer(damaged)) << "trial " << trial;
    }
  }
  EXPECT_GT(files, 0);
}

// Overwrites the 4-byte value length of the first explicit-VR element `tag_and_vr` (tag bytes
// followed by a 4-byte-length VR such as OW) with `length`.
void SetLongLength(std::string* bytes, const std::string& tag_and_vr, std::uint32_t length) {
  const std::size_t at = bytes->find(tag_and_vr);
  ASSERT_NE(at, std::string::npos);
  for (int i = 0; i < 4; ++i) (*bytes)[at + 8 + i] = static_cast<char>((length >> (8 * i)) & 0xFF);
}

TEST(DicomRobustnessLimitsTest, HugeElementLengthIsCorruptNotAnAllocation) {
  std::string bytes = ValidFile(DicomTransferSyntax::kExplicitVrLittleEndian);
  SetLongLength(&bytes, std::string("\xE0\x7F\x10\x00OW", 6), 0xFFFFFFF0u);
  Image image;
  EXPECT_EQ(DecodeDicom(bytes, DecodeLimits{}, &image).code(), ErrorCode::kCorruptImage);
}

TEST(DicomRobustnessLimitsTest, HugeRowsAndColumnsAreRefusedBeforeDecoding) {
  for (DicomTransferSyntax syntax :
       {DicomTransferSyntax::kExplicitVrLittleEndian, DicomTransferSyntax::kJpeg2000Lossless}) {
    std::string bytes = ValidFile(syntax);
    for (const char* tag : {"\x28\x00\x10\x00US", "\x28\x00\x11\x00US"}) {
      const std::size_t at = bytes.find(std::string(tag, 6));
      ASSERT_NE(at, std::string::npos);
      bytes[at + 8] = bytes[at + 9] = '\xFF';  // 65535
    }
    Image image;
    EXPECT_EQ(DecodeDicom(bytes, DecodeLimits{}, &image).code(), ErrorCode::kTooManyPixels)
        << TransferSyntaxLabel(syntax);
  }
}

}  // namespace
}  // namespace mammocad

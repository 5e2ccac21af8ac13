#include "dicom/transfer_syntax.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "dicom/dicom_writer.h"

namespace mammocad::dicom_internal {
namespace {

// Every DicomTransferSyntax value; kExplicitVrBigEndian is the enum's last.
std::vector<DicomTransferSyntax> AllWriterSyntaxes() {
  std::vector<DicomTransferSyntax> all;
  for (int i = 0; i <= int(DicomTransferSyntax::kExplicitVrBigEndian); ++i)
    all.push_back(DicomTransferSyntax(i));
  return all;
}

TEST(TransferSyntaxTest, EveryWritableSyntaxIsKnownToTheReaderAndDecodableButBigEndian) {
  for (DicomTransferSyntax syntax : AllWriterSyntaxes()) {
    SCOPED_TRACE(int(syntax));
    const std::string_view uid = TransferSyntaxUid(syntax);
    ASSERT_FALSE(uid.empty());
    const TransferSyntaxInfo info = LookUpTransferSyntax(uid);
    EXPECT_EQ(info.uid, uid);
    EXPECT_NE(info.name, "unknown transfer syntax");
    if (syntax == DicomTransferSyntax::kExplicitVrBigEndian) {
      EXPECT_EQ(info.decoder, PixelDecoder::kUnsupported);
    } else {
      EXPECT_NE(info.decoder, PixelDecoder::kUnsupported) << info.name;
    }
  }
}

TEST(TransferSyntaxTest, RoundTripEnumUidRowEnum) {
  for (DicomTransferSyntax syntax : AllWriterSyntaxes()) {
    SCOPED_TRACE(int(syntax));
    const TransferSyntaxInfo* row = FindWritableTransferSyntax(syntax);
    ASSERT_NE(row, nullptr);
    ASSERT_TRUE(row->writer.has_value());
    EXPECT_EQ(row->writer->syntax, syntax);
    EXPECT_EQ(row->uid, TransferSyntaxUid(syntax));
    // As read from a file: the UID padded to even length with a NUL.
    const TransferSyntaxInfo found = LookUpTransferSyntax(std::string(row->uid) + '\0');
    ASSERT_TRUE(found.writer.has_value());
    EXPECT_EQ(found.writer->syntax, syntax);
    EXPECT_EQ(found.writer->label, TransferSyntaxLabel(syntax));
  }
  // No two rows claim the same writer syntax or UID.
  std::set<int> syntaxes;
  std::set<std::string_view> uids;
  for (const TransferSyntaxInfo& info : TransferSyntaxes()) {
    EXPECT_TRUE(uids.insert(info.uid).second) << info.uid;
    if (info.writer) {
      EXPECT_TRUE(syntaxes.insert(int(info.writer->syntax)).second) << info.uid;
    }
  }
  EXPECT_EQ(syntaxes.size(), AllWriterSyntaxes().size());
}

TEST(TransferSyntaxTest, LabelsAreUniqueAndNonEmpty) {
  std::set<std::string_view> labels;
  for (DicomTransferSyntax syntax : AllWriterSyntaxes()) {
    const std::string_view label = TransferSyntaxLabel(syntax);
    EXPECT_FALSE(label.empty()) << int(syntax);
    EXPECT_TRUE(labels.insert(label).second) << label;
  }
  EXPECT_EQ(TransferSyntaxLabel(DicomTransferSyntax::kJpeg2000Lossless), "jpeg2000_lossless");
  EXPECT_EQ(TransferSyntaxLabel(DicomTransferSyntax::kExplicitVrLittleEndian), "explicit_le");
}

TEST(TransferSyntaxTest, ReadableSyntaxesAreAllButBigEndianInEnumOrder) {
  std::vector<DicomTransferSyntax> expected = AllWriterSyntaxes();
  expected.pop_back();  // kExplicitVrBigEndian
  EXPECT_EQ(ReadableTransferSyntaxes(), expected);
}

TEST(TransferSyntaxTest, LosslessFlagsAndBitDepthsFollowTheCodecs) {
  using enum DicomTransferSyntax;
  const std::set<DicomTransferSyntax> lossy = {kJpegBaseline, kJpegExtended, kJpegLsNearLossless,
                                               kJpeg2000};
  for (DicomTransferSyntax syntax : AllWriterSyntaxes()) {
    EXPECT_EQ(IsLossless(syntax), !lossy.contains(syntax)) << TransferSyntaxLabel(syntax);
    const int expected_bits = syntax == kJpegBaseline ? 8 : syntax == kJpegExtended ? 12 : 16;
    EXPECT_EQ(MaxBitsStored(syntax), expected_bits) << TransferSyntaxLabel(syntax);
  }
}

TEST(TransferSyntaxTest, EveryRowSaysWhetherItIsLossy) {
  // PS3.5 8.2 and Annex A of PS3.6: the syntaxes that may discard information.
  const std::set<std::string_view> lossy = {
      "1.2.840.10008.1.2.4.50",  "1.2.840.10008.1.2.4.51",  "1.2.840.10008.1.2.4.81",
      "1.2.840.10008.1.2.4.91",  "1.2.840.10008.1.2.4.93",  "1.2.840.10008.1.2.4.94",
      "1.2.840.10008.1.2.4.95",  "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101",
      "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.107",
      "1.2.840.10008.1.2.4.108", "1.2.840.10008.1.2.4.111", "1.2.840.10008.1.2.4.112",
      "1.2.840.10008.1.2.4.203"};
  int decodable_lossy = 0, decodable_lossless = 0;
  for (const TransferSyntaxInfo& info : TransferSyntaxes()) {
    EXPECT_EQ(info.lossy, lossy.contains(info.uid)) << info.name;
    if (info.decoder != PixelDecoder::kUnsupported) {
      ++(info.lossy ? decodable_lossy : decodable_lossless);
    }
    if (info.writer) {
      EXPECT_EQ(IsLossless(info.writer->syntax), !info.lossy) << info.name;
    }
  }
  // Every syntax the reader decodes: JPEG baseline/extended, JPEG-LS near-lossless, JPEG 2000.
  EXPECT_EQ(decodable_lossy, 4);
  EXPECT_EQ(decodable_lossless, 8);
  EXPECT_TRUE(LookUpTransferSyntax("1.2.3.4").lossy);  // unknown: nothing is promised
}

TEST(TransferSyntaxTest, UnknownUidsAreRefusedByName) {
  const TransferSyntaxInfo info = LookUpTransferSyntax("1.2.3.4 ");
  EXPECT_EQ(info.name, "unknown transfer syntax");
  EXPECT_EQ(info.decoder, PixelDecoder::kUnsupported);
  EXPECT_FALSE(info.writer.has_value());
  EXPECT_EQ(DescribeTransferSyntax("1.2.840.10008.1.2.4.92"),
            "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only) "
            "(1.2.840.10008.1.2.4.92)");
  EXPECT_EQ(DescribeTransferSyntax("1.2.x"), "unknown transfer syntax (1.2.?)");
  EXPECT_FALSE(LookUpTransferSyntax("1.2.840.10008.1.2.4.92").writer.has_value());
}

}  // namespace
}  // namespace mammocad::dicom_internal

// The bounded scan in front of DCMTK (dataset_scan.h), through DecodeDicom: hostile files
// made here (deeply nested sequences, a deflate bomb, floods of elements and items) are
// refused with a message naming the limit, and ordinary files still decode.
#include "dicom/dataset_scan.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>

#include "dicom/dicom_writer.h"
#include "mammocad/dicom.h"
#include "testing/codec_test_image.h"

namespace mammocad {
namespace {

using dicom_internal::DicomLayout;
using dicom_internal::FindDicomLayout;

std::string Le16(unsigned value) { return {char(value & 0xFF), char(value >> 8)}; }
std::string Le32(std::uint32_t value) { return Le16(value & 0xFFFF) + Le16(value >> 16); }
std::string Tag(unsigned group, unsigned element) { return Le16(group) + Le16(element); }

const std::string kUndefined = Le32(0xFFFFFFFF);
const std::string kItemStart = Tag(0xFFFE, 0xE000) + kUndefined;
const std::string kItemEnd = Tag(0xFFFE, 0xE00D) + Le32(0);
const std::string kSequenceEnd = Tag(0xFFFE, 0xE0DD) + Le32(0);

std::string ValidFile(DicomTransferSyntax syntax) {
  DicomWriteOptions options;
  options.transfer_syntax = syntax;
  options.bits_stored = 12;
  std::string bytes;
  EXPECT_TRUE(WriteDicom(testing::MakeCodecTestImage(32, 24, 12), options, &bytes).ok());
  return bytes;
}

// `inserted` placed at the start of the dataset of a valid file (DCMTK sorts elements).
std::string WithElementsFirst(DicomTransferSyntax syntax, const std::string& inserted) {
  std::string bytes = ValidFile(syntax);
  DicomLayout layout;
  EXPECT_TRUE(FindDicomLayout(bytes, &layout).ok());
  bytes.insert(layout.meta_end, inserted);
  return bytes;
}

// Referenced Series Sequence (0008,1115) nested `depth` times, each of undefined length
// with one item of undefined length: 36 bytes a level.
std::string NestedSequences(int depth, bool explicit_vr) {
  const std::string header = Tag(0x0008, 0x1115) +
                             (explicit_vr ? std::string("SQ") + Le16(0) + kUndefined : kUndefined);
  std::string nested;
  for (int i = 0; i < depth; ++i) nested += header + kItemStart;
  for (int i = 0; i < depth; ++i) nested += kItemEnd + kSequenceEnd;
  return nested;
}

Status Decode(const std::string& bytes, const DecodeLimits& limits = DecodeLimits()) {
  Image image;
  return DecodeDicom(bytes, limits, &image);
}

TEST(DatasetScanTest, DeeplyNestedSequencesAreRefusedBeforeDcmtkRecurses) {
  // 100,000 levels (3.6 MB) overflowed the stack inside DCMTK's parser before the scan.
  for (bool explicit_vr : {true, false}) {
    const auto syntax = explicit_vr ? DicomTransferSyntax::kExplicitVrLittleEndian
                                    : DicomTransferSyntax::kImplicitVrLittleEndian;
    const Status status = Decode(WithElementsFirst(syntax, NestedSequences(100'000, explicit_vr)));
    EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << status.ToString();
    EXPECT_NE(status.message().find("sequences nested deeper than 32 levels"), std::string::npos)
        << status.message();
    int width = 0, height = 0;
    EXPECT_FALSE(PeekDicomDimensions(WithElementsFirst(syntax, NestedSequences(100'000, explicit_vr)),
                                     &width, &height));
  }
}

TEST(DatasetScanTest, NestingUpToTheLimitIsAccepted) {
  DecodeLimits limits;
  for (bool explicit_vr : {true, false}) {
    const auto syntax = explicit_vr ? DicomTransferSyntax::kExplicitVrLittleEndian
                                    : DicomTransferSyntax::kImplicitVrLittleEndian;
    const std::string at_limit =
        WithElementsFirst(syntax, NestedSequences(limits.max_dicom_sequence_depth, explicit_vr));
    EXPECT_TRUE(Decode(at_limit, limits).ok()) << Decode(at_limit, limits).ToString();
    const std::string over =
        WithElementsFirst(syntax, NestedSequences(limits.max_dicom_sequence_depth + 1, explicit_vr));
    EXPECT_EQ(Decode(over, limits).code(), ErrorCode::kCorruptImage);
  }
}

TEST(DatasetScanTest, UndefinedLengthUnIsWalkedAsImplicitVr) {
  // CP 246: an explicit-VR UN of undefined length holds implicit-VR items, nested again.
  std::string inner = NestedSequences(40, /*explicit_vr=*/false);
  std::string un = Tag(0x0009, 0x1001) + "UN" + Le16(0) + kUndefined + kItemStart + inner +
                   kItemEnd + kSequenceEnd;
  const Status status = Decode(WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, un));
  EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << status.ToString();
  EXPECT_NE(status.message().find("nested deeper"), std::string::npos) << status.message();
}

TEST(DatasetScanTest, ElementAndItemFloodsAreRefused) {
  DecodeLimits limits;
  limits.max_dicom_elements = 1'000;
  limits.max_dicom_items = 500;
  std::string elements;  // (0009,1010) LO "x " repeated: 10 bytes each
  for (int i = 0; i < 2'000; ++i) elements += Tag(0x0009, 0x1010) + "LO" + Le16(2) + "x ";
  Status status =
      Decode(WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, elements), limits);
  EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << status.ToString();
  EXPECT_NE(status.message().find("more than 1000 data elements"), std::string::npos)
      << status.message();

  std::string items = Tag(0x0008, 0x1115) + "SQ" + Le16(0) + kUndefined;
  for (int i = 0; i < 1'000; ++i) items += Tag(0xFFFE, 0xE000) + Le32(0);  // empty items
  items += kSequenceEnd;
  status = Decode(WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, items), limits);
  EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << status.ToString();
  EXPECT_NE(status.message().find("more than 500 sequence items"), std::string::npos)
      << status.message();
  EXPECT_TRUE(Decode(WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, items)).ok());
}

// Raw deflate of `head` followed by `zeros` zero bytes, without holding the zeros in memory.
std::string Deflate(const std::string& head, std::size_t zeros) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  const std::string block(1 << 20, '\0');
  char buffer[1 << 16];
  const auto pump = [&](const char* data, std::size_t size, int flush) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    stream.avail_in = static_cast<uInt>(size);
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      deflate(&stream, flush);
      out.append(buffer, sizeof buffer - stream.avail_out);
    } while (stream.avail_out == 0);
  };
  pump(head.data(), head.size(), Z_NO_FLUSH);
  for (std::size_t left = zeros; left > 0;) {
    const std::size_t now = std::min(left, block.size());
    pump(block.data(), now, Z_NO_FLUSH);
    left -= now;
  }
  pump(nullptr, 0, Z_FINISH);
  deflateEnd(&stream);
  return out;
}

// A valid deflated file whose dataset ends in Data Set Trailing Padding (FFFC,FFFC) of
// `padding` zero bytes: a few hundred kilobytes that inflate to `padding` bytes.
std::string DeflateBomb(std::size_t padding) {
  const std::string file = ValidFile(DicomTransferSyntax::kDeflatedExplicitVrLittleEndian);
  DicomLayout layout;
  EXPECT_TRUE(FindDicomLayout(file, &layout).ok());
  std::string dataset;
  EXPECT_TRUE(dicom_internal::InflateDicomDataset(file.substr(layout.meta_end), 1u << 30, &dataset)
                  .ok());
  dataset += Tag(0xFFFC, 0xFFFC) + "OB" + Le16(0) + Le32(std::uint32_t(padding));
  return file.substr(0, layout.meta_end) + Deflate(dataset, padding);
}

TEST(DatasetScanTest, DeflateBombIsRefusedAtTheInflatedSizeLimit) {
  DecodeLimits limits;
  limits.max_pixels = 100'000;
  limits.max_dicom_non_pixel_bytes = 1u << 20;  // cap: 200,000 + 1 MiB
  const std::string bomb = DeflateBomb(64u << 20);
  ASSERT_LT(bomb.size(), 200'000u);
  const Status status = Decode(bomb, limits);
  EXPECT_EQ(status.code(), ErrorCode::kPayloadTooLarge) << status.ToString();
  EXPECT_NE(status.message().find("inflates to more than " +
                                  std::to_string(MaxInflatedDicomBytes(limits)) + " bytes"),
            std::string::npos)
      << status.message();
  // Padding within the cap is an ordinary file.
  EXPECT_TRUE(Decode(DeflateBomb(1000), limits).ok());
}

TEST(DatasetScanTest, DamagedDeflateIsCorrupt) {
  std::string file = ValidFile(DicomTransferSyntax::kDeflatedExplicitVrLittleEndian);
  DicomLayout layout;
  ASSERT_TRUE(FindDicomLayout(file, &layout).ok());
  EXPECT_EQ(Decode(file.substr(0, layout.meta_end + 40)).code(), ErrorCode::kCorruptImage);
}

TEST(DatasetScanTest, FindsTheMetaHeaderAndTheEncoding) {
  DicomLayout layout;
  const std::string implicit = ValidFile(DicomTransferSyntax::kImplicitVrLittleEndian);
  ASSERT_TRUE(FindDicomLayout(implicit, &layout).ok());
  EXPECT_EQ(layout.transfer_syntax_uid, "1.2.840.10008.1.2");
  EXPECT_FALSE(layout.explicit_vr);
  EXPECT_GT(layout.meta_end, 132u);
  EXPECT_EQ(implicit.substr(layout.meta_end, 2), Le16(0x0008));  // the dataset's first group
}

TEST(DatasetScanTest, AnUnknownVrIsRefusedNotGuessed) {
  const std::string odd = Tag(0x0009, 0x1010) + "zz" + Le16(2) + "x ";
  const Status status = Decode(WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, odd));
  EXPECT_EQ(status.code(), ErrorCode::kCorruptImage);
  EXPECT_NE(status.message().find("value representation"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

TEST(DatasetScanTest, EveryLayoutStillDecodes) {
  // A meta header without its preamble, a bare dataset of each encoding, and DCMTK then
  // reads what the scan walked, in the scan's encoding.
  const std::string file = ValidFile(DicomTransferSyntax::kExplicitVrLittleEndian);
  Image image;
  const Status no_preamble = DecodeDicom(file.substr(132), DecodeLimits(), &image);
  EXPECT_TRUE(no_preamble.ok()) << no_preamble.ToString();
  for (auto syntax : {DicomTransferSyntax::kImplicitVrLittleEndian,
                      DicomTransferSyntax::kExplicitVrLittleEndian}) {
    DicomWriteOptions options;
    options.transfer_syntax = syntax;
    options.with_meta_header = false;
    options.bits_stored = 12;
    std::string bare;
    ASSERT_TRUE(WriteDicom(testing::MakeCodecTestImage(32, 24, 12), options, &bare).ok());
    DicomLayout layout;
    ASSERT_TRUE(FindDicomLayout(bare, &layout).ok());
    EXPECT_EQ(layout.meta_end, 0u);
    EXPECT_EQ(layout.explicit_vr, syntax == DicomTransferSyntax::kExplicitVrLittleEndian);
    const Status status = DecodeDicom(bare, DecodeLimits(), &image);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(image.pixels.cols, 24);
  }
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

// A valid file whose meta element (0002,0003) gets `vr` and then `value_start` in place of
// its length and first value bytes.
std::string WithMetaVr(const std::string& vr, const std::string& value_start) {
  std::string bytes = ValidFile(DicomTransferSyntax::kExplicitVrLittleEndian);
  const std::size_t at = bytes.find(Tag(0x0002, 0x0003) + "UI");
  EXPECT_NE(at, std::string::npos);
  bytes.replace(at + 4, 2 + value_start.size(), vr + value_start);
  return bytes;
}

TEST(DatasetScanTest, MetaElementsWithoutAValidVrAreRefusedBeforeDcmtkAllocates) {
  // Found by fuzz_format_peeks and fuzz_decode_image (out-of-memory): DCMTK read the unknown
  // VR "UQ" with a 4-byte length (here 0xFFFFFE31) and allocated 4 GB; "O\0" the same way.
  for (const std::string& vr : {std::string("UQ"), std::string("O\0", 2)}) {
    const std::string bytes = WithMetaVr(vr, Le16(0x0036) + "\x31\xFE\xFF\xFF");
    const Status status = Decode(bytes);
    EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << status.ToString();
    EXPECT_NE(status.message().find("no valid value representation"), std::string::npos)
        << status.message();
    int width = 0, height = 0;
    EXPECT_FALSE(PeekDicomDimensions(bytes, &width, &height));
  }
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

TEST(DatasetScanTest, TemMarkerBeforeTheJpegFrameHeaderIsRefusedNotAHang) {
  // Found by fuzz_decode_image and fuzz_dicom_reader (timeouts): DCMTK 3.6.7's JPEG decoder
  // scans the first fragment's markers for the bit depth and loops forever on TEM (FF01).
  // The marker after the SOI of each JPEG syntax's first fragment becomes TEM.
  for (auto syntax : {DicomTransferSyntax::kJpegBaseline, DicomTransferSyntax::kJpegLosslessSv1,
                      DicomTransferSyntax::kJpegLsLossless}) {
    DicomWriteOptions options;
    options.transfer_syntax = syntax;
    options.bits_stored = 8;
    std::string bytes;
    ASSERT_TRUE(WriteDicom(testing::MakeCodecTestImage(32, 24, 8), options, &bytes).ok());
    const std::size_t soi = bytes.find("\xFF\xD8\xFF", bytes.find(Tag(0x7FE0, 0x0010)));
    ASSERT_NE(soi, std::string::npos);
    // After the SOI, and (a second finding) in place of the SOI: DCMTK scans from byte 0.
    for (std::size_t at : {soi + 3, soi + 1}) {
      std::string damaged = bytes;
      damaged[at] = '\x01';
      const Status status = Decode(damaged);
      EXPECT_EQ(status.code(), ErrorCode::kCorruptImage) << status.ToString();
      EXPECT_NE(status.message().find("unexpected marker (0xFF01) before their frame header"),
                std::string::npos)
          << status.message();
    }
  }
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

using dicom_internal::PixelDataLocation;
using dicom_internal::ScanDicomDataset;

PixelDataLocation Locate(const std::string& bytes, std::string_view* dataset) {
  DicomLayout layout;
  EXPECT_TRUE(FindDicomLayout(bytes, &layout).ok());
  *dataset = std::string_view(bytes).substr(layout.meta_end);
  PixelDataLocation location;
  const Status status = ScanDicomDataset(*dataset, layout.explicit_vr, DecodeLimits(), &location);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return location;
}

TEST(DatasetScanTest, LocatesNativePixelDataAndNotOneInsideAnItem) {
  const cv::Mat pixels = testing::MakeCodecTestImage(32, 24, 12);
  // A Pixel Data element inside a sequence item comes first: the dataset's own is the one.
  const std::string in_item = Tag(0x0008, 0x1115) + "SQ" + Le16(0) + kUndefined + kItemStart +
                              Tag(0x7FE0, 0x0010) + "OB" + Le16(0) + Le32(4) + "abcd" +
                              kItemEnd + kSequenceEnd;
  const std::string bytes = WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, in_item);
  std::string_view dataset;
  const PixelDataLocation location = Locate(bytes, &dataset);
  ASSERT_TRUE(location.found);
  EXPECT_FALSE(location.encapsulated);
  ASSERT_EQ(location.length, std::size_t(32 * 24 * 2));
  const std::string_view samples = dataset.substr(location.offset, location.length);
  EXPECT_EQ(samples, std::string_view(reinterpret_cast<const char*>(pixels.data), location.length));
  Image image;
  EXPECT_TRUE(DecodeDicom(bytes, DecodeLimits(), &image).ok());
}

TEST(DatasetScanTest, PixelDataAtAnOddOffsetDecodeTheSame) {
  // An element of odd length (the standard forbids it; the scan and DCMTK read it) puts the
  // 16-bit samples at an odd address: they are copied to aligned memory, not read unaligned
  // (UBSan in the asan binary would stop at such a read).
  const std::string odd = Tag(0x0009, 0x0010) + "LO" + Le16(3) + "abc";
  const std::string bytes = WithElementsFirst(DicomTransferSyntax::kExplicitVrLittleEndian, odd);
  std::string_view dataset;
  const PixelDataLocation location = Locate(bytes, &dataset);
  ASSERT_TRUE(location.found);
  ASSERT_EQ(reinterpret_cast<std::uintptr_t>(dataset.data() + location.offset) % 2, 1u);
  Image odd_image, even_image;
  ASSERT_TRUE(DecodeDicom(bytes, DecodeLimits(), &odd_image).ok());
  ASSERT_TRUE(DecodeDicom(ValidFile(DicomTransferSyntax::kExplicitVrLittleEndian), DecodeLimits(),
                          &even_image).ok());
  EXPECT_EQ(cv::norm(odd_image.pixels, even_image.pixels, cv::NORM_INF), 0.0);
}

TEST(DatasetScanTest, LocatesEveryJpeg2000FragmentAfterTheOffsetTable) {
  DicomWriteOptions options;
  options.transfer_syntax = DicomTransferSyntax::kJpeg2000Lossless;
  options.bits_stored = 12;
  options.jpeg2000_fragment_bytes = 200;
  std::string bytes;
  ASSERT_TRUE(WriteDicom(testing::MakeCodecTestImage(32, 24, 12), options, &bytes).ok());
  std::string_view dataset;
  const PixelDataLocation location = Locate(bytes, &dataset);
  ASSERT_TRUE(location.found && location.encapsulated && location.terminated);
  ASSERT_GE(location.fragments.size(), 2u);
  const std::string_view first =
      dataset.substr(location.fragments[0].first, location.fragments[0].second);
  EXPECT_EQ(first.substr(0, 2), "\xFF\x4F");  // the codestream's SOC marker
  for (std::size_t i = 0; i + 1 < location.fragments.size(); ++i) {
    EXPECT_EQ(location.fragments[i].second, 200u);
  }
  // Without its sequence delimiter the frame is damaged, however the scan ends.
  Image image;
  EXPECT_EQ(DecodeDicom(bytes.substr(0, bytes.size() - 8), DecodeLimits(), &image).code(),
            ErrorCode::kCorruptImage);
}

}  // namespace
}  // namespace mammocad

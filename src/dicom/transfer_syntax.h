// The transfer syntaxes mammocad knows by name, how each one is decoded and, for those the
// test-fixture writer produces, how it writes them: the one table both the reader and
// dicom/dicom_writer.h read. Internal to src/dicom/; no DCMTK types here so that the table
// can be read on its own.
#ifndef MAMMOCAD_DICOM_TRANSFER_SYNTAX_H_
#define MAMMOCAD_DICOM_TRANSFER_SYNTAX_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mammocad {

// The syntaxes the test-fixture writer (dicom_writer.h) can produce. Declared here, with the
// table, so that the reader's module does not depend on the writer.
enum class DicomTransferSyntax {
  kImplicitVrLittleEndian,
  kExplicitVrLittleEndian,
  kDeflatedExplicitVrLittleEndian,
  kRleLossless,
  kJpegBaseline,     // 8-bit pixels only (JPEG process 1)
  kJpegExtended,     // up to 12 bits (JPEG process 2 & 4)
  kJpegLossless,     // process 14, selection value 7 (not SV1)
  kJpegLosslessSv1,  // process 14, selection value 1
  kJpegLsLossless,
  kJpegLsNearLossless,   // max error DicomWriteOptions::jpegls_max_error
  kJpeg2000Lossless,     // OpenJPEG, reversible 5/3
  kJpeg2000,             // OpenJPEG, irreversible 9/7 at DicomWriteOptions::jpeg2000_ratio
  kExplicitVrBigEndian,  // retired; the reader refuses it (for tests of that refusal)
};

}  // namespace mammocad

namespace mammocad::dicom_internal {

enum class PixelDecoder {
  kUnsupported,  // we refuse it with kUnsupportedTransferSyntax
  kNative,       // uncompressed; DCMTK reads it (deflate is undone first, dataset_scan.h)
  kDcmtkCodec,   // RLE, JPEG, JPEG-LS: DCMTK's registered decoders
  kOpenJpeg,     // JPEG 2000: DCMTK 3.6.7 has no codec; we decode the fragments with OpenJPEG
};

// The syntaxes whose dataset encoding the bounded scan (dataset_scan.h) must know by name:
// implicit VR, and deflate, which it inflates itself under a cap.
inline constexpr std::string_view kImplicitVrLittleEndianUid = "1.2.840.10008.1.2";
inline constexpr std::string_view kDeflatedExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1.99";

// What WriteDicom needs to know about a syntax it can produce.
struct TransferSyntaxWriter {
  DicomTransferSyntax syntax;
  std::string_view label;  // TransferSyntaxLabel: short, stable, unique ("jpeg2000_lossless")
  int max_bits_stored;     // the deepest pixels the syntax carries
};

struct TransferSyntaxInfo {
  std::string_view uid;
  std::string_view name;
  PixelDecoder decoder;
  // The syntax may discard information (JPEG baseline/extended, JPEG-LS near-lossless,
  // JPEG 2000 irreversible, ...): decoding need not give back the encoded pixels. Image::lossy
  // of a decoded file; the writer's IsLossless is its negation.
  bool lossy;
  std::optional<TransferSyntaxWriter> writer = std::nullopt;  // none: WriteDicom cannot
};

// The entry for `uid` (trailing NUL/space padding ignored). Unknown UIDs give an entry with
// decoder kUnsupported and name "unknown transfer syntax".
TransferSyntaxInfo LookUpTransferSyntax(std::string_view uid);

// Every known syntax. The readable writable ones come in DicomTransferSyntax order, which
// ReadableTransferSyntaxes() keeps.
std::span<const TransferSyntaxInfo> TransferSyntaxes();

// The entry WriteDicom uses for `syntax`; null only for a value outside the enum.
const TransferSyntaxInfo* FindWritableTransferSyntax(DicomTransferSyntax syntax);

// "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only) (1.2.840.10008.1.2.4.92)".
std::string DescribeTransferSyntax(std::string_view uid);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_TRANSFER_SYNTAX_H_

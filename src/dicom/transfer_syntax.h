// The transfer syntaxes mammocad knows by name, and how each one is decoded. Internal to
// src/dicom/; no DCMTK types here so that the table can be read on its own.
#ifndef MAMMOCAD_DICOM_TRANSFER_SYNTAX_H_
#define MAMMOCAD_DICOM_TRANSFER_SYNTAX_H_

#include <string>
#include <string_view>

namespace mammocad::dicom_internal {

enum class PixelDecoder {
  kUnsupported,  // we refuse it with kUnsupportedTransferSyntax
  kNative,       // uncompressed; DCMTK reads it (deflate is undone by the stream layer)
  kDcmtkCodec,   // RLE, JPEG, JPEG-LS: DCMTK's registered decoders
  kOpenJpeg,     // JPEG 2000: DCMTK 3.6.7 has no codec; we decode the fragments with OpenJPEG
};

struct TransferSyntaxInfo {
  std::string_view uid;
  std::string_view name;
  PixelDecoder decoder;
};

// The entry for `uid` (trailing NUL/space padding ignored). Unknown UIDs give an entry with
// decoder kUnsupported and name "unknown transfer syntax".
TransferSyntaxInfo LookUpTransferSyntax(std::string_view uid);

// "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only) (1.2.840.10008.1.2.4.92)".
std::string DescribeTransferSyntax(std::string_view uid);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_TRANSFER_SYNTAX_H_

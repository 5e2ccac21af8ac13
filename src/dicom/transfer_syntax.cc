#include "dicom/transfer_syntax.h"

#include <array>

namespace mammocad::dicom_internal {
namespace {

using enum PixelDecoder;
using Syntax = DicomTransferSyntax;
using Writes = TransferSyntaxWriter;
constexpr bool kLossy = true, kLossless = false;

// Names as in DICOM PS3.6 Annex A. Unsupported entries are listed so that the refusal can name
// the syntax; anything missing here is reported as "unknown transfer syntax" with its UID.
// kLossy: the syntax allows discarding information (PS3.5 8.2: JPEG processes 1-4, JPEG-LS
// near-lossless, JPEG 2000 irreversible, video, JPEG XL other than lossless; a JPEG XL
// recompression carries a JPEG's losses).
// Writes{...}: the syntax WriteDicom produces, its label and its deepest pixels (JPEG
// baseline 8 bits, extended 12). Big endian is writable though refused by the reader, so that
// the refusal can be tested.
constexpr std::array kTransferSyntaxes = {
    TransferSyntaxInfo{"1.2.840.10008.1.2", "Implicit VR Little Endian", kNative, kLossless,
                       Writes{Syntax::kImplicitVrLittleEndian, "implicit_le", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.1", "Explicit VR Little Endian", kNative, kLossless,
                       Writes{Syntax::kExplicitVrLittleEndian, "explicit_le", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", kNative,
                       kLossless,
                       Writes{Syntax::kDeflatedExplicitVrLittleEndian, "deflated_le", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.2", "Explicit VR Big Endian (Retired)", kUnsupported,
                       kLossless, Writes{Syntax::kExplicitVrBigEndian, "explicit_be", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.5", "RLE Lossless", kDcmtkCodec, kLossless,
                       Writes{Syntax::kRleLossless, "rle", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", kDcmtkCodec, kLossy,
                       Writes{Syntax::kJpegBaseline, "jpeg_baseline", 8}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", kDcmtkCodec,
                       kLossy, Writes{Syntax::kJpegExtended, "jpeg_extended", 12}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)",
                       kDcmtkCodec, kLossless,
                       Writes{Syntax::kJpegLossless, "jpeg_lossless_p14", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.70",
                       "JPEG Lossless, Non-Hierarchical, First-Order Prediction "
                       "(Process 14 [Selection Value 1])",
                       kDcmtkCodec, kLossless,
                       Writes{Syntax::kJpegLosslessSv1, "jpeg_lossless_sv1", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", kDcmtkCodec,
                       kLossless, Writes{Syntax::kJpegLsLossless, "jpegls_lossless", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression",
                       kDcmtkCodec, kLossy,
                       Writes{Syntax::kJpegLsNearLossless, "jpegls_near_lossless", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)",
                       kOpenJpeg, kLossless,
                       Writes{Syntax::kJpeg2000Lossless, "jpeg2000_lossless", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", kOpenJpeg, kLossy,
                       Writes{Syntax::kJpeg2000, "jpeg2000", 16}},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.92",
                       "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)",
                       kUnsupported, kLossless},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.93",
                       "JPEG 2000 Part 2 Multi-component Image Compression", kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.94", "JPIP Referenced", kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.100", "MPEG2 Main Profile @ Main Level", kUnsupported,
                       kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.101", "MPEG2 Main Profile @ High Level", kUnsupported,
                       kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1",
                       kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.103",
                       "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", kUnsupported,
                       kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1",
                       kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1",
                       kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.110", "JPEG XL Lossless", kUnsupported, kLossless},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", kUnsupported,
                       kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.112", "JPEG XL", kUnsupported, kLossy},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.201",
                       "High-Throughput JPEG 2000 Image Compression (Lossless Only)", kUnsupported,
                       kLossless},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.202",
                       "High-Throughput JPEG 2000 with RPCL Options Image Compression "
                       "(Lossless Only)",
                       kUnsupported, kLossless},
    TransferSyntaxInfo{"1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression",
                       kUnsupported, kLossy},
};

std::string_view TrimUidPadding(std::string_view uid) {
  while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.remove_suffix(1);
  return uid;
}

}  // namespace

TransferSyntaxInfo LookUpTransferSyntax(std::string_view uid) {
  uid = TrimUidPadding(uid);
  for (const TransferSyntaxInfo& info : kTransferSyntaxes) {
    if (info.uid == uid) return info;
  }
  // Nothing is known of it, so nothing may be promised (it is refused anyway).
  return TransferSyntaxInfo{uid, "unknown transfer syntax", kUnsupported, kLossy};
}

std::span<const TransferSyntaxInfo> TransferSyntaxes() { return kTransferSyntaxes; }

const TransferSyntaxInfo* FindWritableTransferSyntax(DicomTransferSyntax syntax) {
  for (const TransferSyntaxInfo& info : kTransferSyntaxes) {
    if (info.writer && info.writer->syntax == syntax) return &info;
  }
  return nullptr;
}

std::string DescribeTransferSyntax(std::string_view uid) {
  const TransferSyntaxInfo info = LookUpTransferSyntax(uid);
  std::string text(info.name);
  text += " (";
  // A UID is digits and dots; anything else is shown as '?' so that a garbled header cannot
  // smuggle arbitrary text into an error message.
  for (char c : TrimUidPadding(uid).substr(0, 64))
    text += (c == '.' || (c >= '0' && c <= '9')) ? c : '?';
  text += ")";
  return text;
}

}  // namespace mammocad::dicom_internal

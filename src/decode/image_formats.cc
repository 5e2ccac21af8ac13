#include "decode/image_formats.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "decode/jpeg_decode.h"
#include "mammocad/dicom.h"

namespace mammocad {
namespace {

bool StartsWith(std::string_view bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && bytes.substr(0, prefix.size()) == prefix;
}

std::uint32_t ReadBigEndian32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         std::uint32_t(p[3]);
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status Damaged(std::string_view format, const std::string& what) {
  return Status(ErrorCode::kCorruptImage, "the " + std::string(format) + " header " + what);
}

Status NoSize(std::string_view format) { return Damaged(format, "is damaged: no image size found"); }

// ---- JPEG ----------------------------------------------------------------------------------

bool SniffJpeg(std::string_view bytes) { return StartsWith(bytes, "\xFF\xD8\xFF"); }

bool IsStartOfFrame(unsigned char marker) {
  // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

Status PeekJpeg(std::string_view bytes, int* width, int* height) {
  // Walk the marker segments up to the first scan: libjpeg decodes with the one frame header
  // (SOF) before it and fails on a second, so a second one is refused here as well.
  const unsigned char* p = Bytes(bytes);
  std::size_t i = 2;
  bool have_frame = false;
  while (i + 4 <= bytes.size()) {
    if (p[i] != 0xFF) return NoSize("jpeg");
    unsigned char marker = p[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    std::size_t length = (std::size_t(p[i + 2]) << 8) | p[i + 3];
    if (length < 2) return NoSize("jpeg");
    if (IsStartOfFrame(marker)) {
      if (have_frame) return Damaged("jpeg", "has two frame headers (SOF markers)");
      if (i + 9 > bytes.size()) return NoSize("jpeg");
      *height = (int(p[i + 5]) << 8) | p[i + 6];
      *width = (int(p[i + 7]) << 8) | p[i + 8];
      if (*width == 0 || *height == 0) return NoSize("jpeg");  // DNL heights: unsupported
      have_frame = true;
    }
    if (marker == 0xDA || marker == 0xD9) break;  // the first scan (or the end)
    i += 2 + length;
  }
  return have_frame ? Status::Ok() : NoSize("jpeg");
}

// libjpeg "decodes" a truncated or damaged file by filling the missing blocks with grey,
// which would silently analyse half a mammogram; so a file without an end marker after its
// first scan is refused before decoding, and the decoder (jpeg_decode.h) fails on libjpeg's
// corrupt-data warnings.
Status CheckJpeg(std::string_view bytes) {
  // Entropy-coded data escape 0xFF as FF 00, so an FF D9 after the first scan is the EOI.
  std::size_t scan = bytes.find("\xFF\xDA");
  std::size_t end = bytes.rfind("\xFF\xD9");
  if (scan == std::string_view::npos || end == std::string_view::npos || end < scan) {
    return Status(ErrorCode::kCorruptImage, "the jpeg data are truncated (the file ends early)");
  }
  return Status::Ok();
}

// ---- PNG -----------------------------------------------------------------------------------

bool SniffPng(std::string_view bytes) { return StartsWith(bytes, "\x89PNG\r\n\x1A\n"); }

Status PeekPng(std::string_view bytes, int* width, int* height) {
  // 8-byte signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4). libpng
  // requires IHDR first and refuses a second one, so the first is the size decoded.
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return NoSize("png");
  std::uint32_t w = ReadBigEndian32(Bytes(bytes) + 16), h = ReadBigEndian32(Bytes(bytes) + 20);
  if (w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff) return NoSize("png");
  *width = int(w);
  *height = int(h);
  return Status::Ok();
}

// ---- TIFF ----------------------------------------------------------------------------------

bool SniffTiff(std::string_view bytes) {
  return StartsWith(bytes, std::string_view("II*\0", 4)) ||
         StartsWith(bytes, std::string_view("MM\0*", 4));
}

Status PeekTiff(std::string_view bytes, int* width, int* height) {
  // Classic TIFF: byte order, 42, offset of the first IFD (the one OpenCV decodes); tags 256
  // (ImageWidth) and 257 (ImageLength). A tag given twice with different values is refused:
  // which one libtiff uses is not ours to guess, and the pixel limit must see that one.
  if (bytes.size() < 8) return NoSize("tiff");
  const unsigned char* p = Bytes(bytes);
  bool little = p[0] == 'I';
  auto u16 = [&](std::size_t at) -> std::uint32_t {
    return little ? (p[at] | (p[at + 1] << 8)) : ((p[at] << 8) | p[at + 1]);
  };
  auto u32 = [&](std::size_t at) -> std::uint32_t {
    return little ? (std::uint32_t(p[at]) | (std::uint32_t(p[at + 1]) << 8) |
                     (std::uint32_t(p[at + 2]) << 16) | (std::uint32_t(p[at + 3]) << 24))
                  : ReadBigEndian32(p + at);
  };
  std::size_t ifd = u32(4);
  if (ifd > bytes.size() - 2) return NoSize("tiff");
  std::size_t entries = u16(ifd);
  long size[2] = {-1, -1};  // ImageWidth, ImageLength
  static constexpr const char* kNames[2] = {"ImageWidth", "ImageLength"};
  for (std::size_t k = 0; k < entries; ++k) {
    std::size_t e = ifd + 2 + 12 * k;
    if (e + 12 > bytes.size()) return NoSize("tiff");
    std::uint32_t tag = u16(e);
    if (tag != 256 && tag != 257) continue;
    std::uint32_t type = u16(e + 2), count = u32(e + 4);
    // SHORT or LONG, one value, as TIFF 6.0 says; other encodings libtiff may read otherwise.
    if ((type != 3 && type != 4) || count != 1) {
      return Damaged("tiff", std::string("gives ") + kNames[tag - 256] +
                                 " in an unexpected type or count");
    }
    long value = type == 3 ? long(u16(e + 8)) : long(u32(e + 8));
    long& known = size[tag - 256];
    if (known >= 0 && known != value) {
      return Damaged("tiff", std::string("gives ") + kNames[tag - 256] + " twice (" +
                                 std::to_string(known) + " and " + std::to_string(value) + ")");
    }
    known = value;
  }
  if (size[0] <= 0 || size[1] <= 0 || size[0] > 0x7fffffff || size[1] > 0x7fffffff) {
    return NoSize("tiff");
  }
  *width = int(size[0]);
  *height = int(size[1]);
  return Status::Ok();
}

// ---- PGM (PNM P2/P5) -----------------------------------------------------------------------

bool SniffPnm(std::string_view bytes) {
  return bytes.size() >= 3 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '5') &&
         std::isspace(static_cast<unsigned char>(bytes[2]));
}

// The PNM header: magic "P2"/"P5", then width, height and maxval as ASCII numbers separated
// by white space and # comments, then one white-space byte before the samples.
struct PnmHeader {
  long width = 0, height = 0, maxval = 0;
  std::size_t data_offset = 0;  // first sample byte
};

bool ParsePnmHeader(std::string_view bytes, PnmHeader* header) {
  std::size_t i = 2;
  long* fields[3] = {&header->width, &header->height, &header->maxval};
  for (long* value : fields) {
    for (;;) {
      while (i < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[i]))) ++i;
      if (i < bytes.size() && bytes[i] == '#') {
        while (i < bytes.size() && bytes[i] != '\n') ++i;
        continue;
      }
      break;
    }
    std::size_t start = i;
    *value = 0;
    while (i < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[i]))) {
      // More than 9 digits: no size we accept, and the decoder might read it otherwise.
      if (i - start >= 9) return false;
      *value = *value * 10 + (bytes[i] - '0');
      ++i;
    }
    if (i == start) return false;
  }
  header->data_offset = i + 1;
  return header->width > 0 && header->height > 0;
}

Status PeekPnm(std::string_view bytes, int* width, int* height) {
  PnmHeader header;
  if (!ParsePnmHeader(bytes, &header)) return NoSize("pnm");
  *width = int(header.width);
  *height = int(header.height);
  return Status::Ok();
}

Status CheckPnm(std::string_view bytes) {
  if (bytes[1] != '5') return Status::Ok();  // ASCII PGM: OpenCV fails on short data by itself
  PnmHeader header;
  if (!ParsePnmHeader(bytes, &header)) return NoSize("pnm");
  std::size_t sample_bytes = header.maxval > 255 ? 2 : 1;
  if (bytes.size() < header.data_offset + std::size_t(header.width) *
                                              std::size_t(header.height) * sample_bytes) {
    return Status(ErrorCode::kCorruptImage, "the pnm data are truncated (the file ends early)");
  }
  return Status::Ok();
}

// ---- BMP -----------------------------------------------------------------------------------

bool SniffBmp(std::string_view bytes) { return StartsWith(bytes, "BM"); }

Status PeekBmp(std::string_view bytes, int* width, int* height) {
  // The size fields depend on the info header's own size (at 14), as in OpenCV's reader: the
  // OS/2 BITMAPCOREHEADER (12 bytes) has 16-bit width and height, the others 32-bit ones.
  if (bytes.size() < 26) return NoSize("bmp");
  const unsigned char* p = Bytes(bytes);
  std::uint32_t header_size = std::uint32_t(p[14]) | (std::uint32_t(p[15]) << 8) |
                              (std::uint32_t(p[16]) << 16) | (std::uint32_t(p[17]) << 24);
  std::int64_t w, h;
  if (header_size == 12) {
    w = p[18] | (p[19] << 8);
    h = p[20] | (p[21] << 8);
  } else if (header_size >= 36) {
    std::int32_t w32, h32;
    std::memcpy(&w32, p + 18, 4);  // little endian (x86)
    std::memcpy(&h32, p + 22, 4);
    w = w32;
    h = h32 < 0 ? -std::int64_t(h32) : h32;  // negative: rows top-down
  } else {
    return Damaged("bmp", "has an info header of unknown size");
  }
  if (w <= 0 || h <= 0 || h > 0x7fffffff) return NoSize("bmp");
  *width = int(w);
  *height = int(h);
  return Status::Ok();
}

Status PeekDicom(std::string_view bytes, int* width, int* height) {
  return PeekDicomDimensions(bytes, width, height) ? Status::Ok() : NoSize("dicom");
}

}  // namespace

// DICOM's functions live in src/dicom/ (the only module that includes DCMTK); DecodeDicom
// decides lossy by the transfer syntax.
const std::vector<ImageFormatInfo>& ImageFormats() {
  constexpr bool kLossy = true, kLossless = false;
  static const std::vector<ImageFormatInfo> kFormats = {
      {ImageFormat::kJpeg, "jpeg", "JPEG", kLossy, SniffJpeg, PeekJpeg, CheckJpeg,
       DecodeJpegGrey, nullptr, {".jpg", ".jpeg"}},
      {ImageFormat::kPng, "png", "PNG", kLossless, SniffPng, PeekPng, nullptr, nullptr, nullptr,
       {".png"}},
      {ImageFormat::kTiff, "tiff", "TIFF", kLossless, SniffTiff, PeekTiff, nullptr, nullptr,
       nullptr, {".tif", ".tiff"}},
      {ImageFormat::kPnm, "pnm", "PGM", kLossless, SniffPnm, PeekPnm, CheckPnm, nullptr, nullptr,
       {".pgm", ".pnm"}},
      {ImageFormat::kBmp, "bmp", "BMP", kLossless, SniffBmp, PeekBmp, nullptr, nullptr, nullptr,
       {".bmp"}},
      {ImageFormat::kDicom, "dicom", "DICOM", kLossless, LooksLikeDicom, PeekDicom,
       nullptr, nullptr, DecodeDicom, {".dcm"}, /*sniff_first=*/true},
  };
  return kFormats;
}

const ImageFormatInfo* FormatInfo(ImageFormat format) {
  for (const ImageFormatInfo& info : ImageFormats()) {
    if (info.format == format) return &info;
  }
  return nullptr;
}

const ImageFormatInfo* SniffFormatInfo(std::string_view bytes) {
  for (bool first : {true, false}) {
    for (const ImageFormatInfo& info : ImageFormats()) {
      if (info.sniff_first == first && info.sniff(bytes)) return &info;
    }
  }
  return nullptr;
}

bool HasImageFileExtension(const std::string& path) {
  // path::extension, not a suffix search: a hidden file named ".dcm" has no extension.
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const ImageFormatInfo& info : ImageFormats()) {
    if (std::find(info.extensions.begin(), info.extensions.end(), ext) != info.extensions.end())
      return true;
  }
  return false;
}

std::string ImageFormatList() {
  const std::vector<ImageFormatInfo>& formats = ImageFormats();
  std::string text;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (i > 0) text += i + 1 == formats.size() ? " or " : ", ";
    text += formats[i].human_name;
  }
  return text;
}

std::string ImageExtensionList() {
  std::string text;
  for (const ImageFormatInfo& info : ImageFormats()) {
    for (std::string_view ext : info.extensions) {
      if (!text.empty()) text += ' ';
      text += ext;
    }
  }
  return text;
}

}  // namespace mammocad

#include "decode/image_formats.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>

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

// ---- JPEG ----------------------------------------------------------------------------------

bool SniffJpeg(std::string_view bytes) { return StartsWith(bytes, "\xFF\xD8\xFF"); }

bool PeekJpeg(std::string_view bytes, int* width, int* height) {
  // Walk the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT/JPG/DAC).
  const unsigned char* p = Bytes(bytes);
  std::size_t i = 2;
  while (i + 4 <= bytes.size()) {
    if (p[i] != 0xFF) return false;
    unsigned char marker = p[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    std::size_t length = (std::size_t(p[i + 2]) << 8) | p[i + 3];
    if (length < 2) return false;
    bool is_sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                  marker != 0xCC;
    if (is_sof) {
      if (i + 9 > bytes.size()) return false;
      *height = (int(p[i + 5]) << 8) | p[i + 6];
      *width = (int(p[i + 7]) << 8) | p[i + 8];
      return *width > 0 && *height > 0;
    }
    if (marker == 0xDA || marker == 0xD9) return false;  // scan before any frame header
    i += 2 + length;
  }
  return false;
}

// libjpeg and OpenCV's PNM reader "decode" a truncated file by filling the missing rows with
// grey, which would silently analyse half a mammogram; so completeness is checked up front.
bool JpegIsComplete(std::string_view bytes) {
  // Entropy-coded data escape 0xFF as FF 00, so an FF D9 after the first scan is the EOI.
  std::size_t scan = bytes.find("\xFF\xDA");
  std::size_t end = bytes.rfind("\xFF\xD9");
  return scan != std::string_view::npos && end != std::string_view::npos && end > scan;
}

// ---- PNG -----------------------------------------------------------------------------------

bool SniffPng(std::string_view bytes) { return StartsWith(bytes, "\x89PNG\r\n\x1A\n"); }

bool PeekPng(std::string_view bytes, int* width, int* height) {
  // 8-byte signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4).
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return false;
  std::uint32_t w = ReadBigEndian32(Bytes(bytes) + 16), h = ReadBigEndian32(Bytes(bytes) + 20);
  if (w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff) return false;
  *width = int(w);
  *height = int(h);
  return true;
}

// ---- TIFF ----------------------------------------------------------------------------------

bool SniffTiff(std::string_view bytes) {
  return StartsWith(bytes, std::string_view("II*\0", 4)) ||
         StartsWith(bytes, std::string_view("MM\0*", 4));
}

bool PeekTiff(std::string_view bytes, int* width, int* height) {
  // Classic TIFF: byte order, 42, offset of the first IFD; tags 256 (width) and 257 (height).
  if (bytes.size() < 8) return false;
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
  if (ifd + 2 > bytes.size()) return false;
  std::size_t entries = u16(ifd);
  long w = -1, h = -1;
  for (std::size_t k = 0; k < entries; ++k) {
    std::size_t e = ifd + 2 + 12 * k;
    if (e + 12 > bytes.size()) return false;
    std::uint32_t tag = u16(e), type = u16(e + 2);
    std::uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);  // SHORT or LONG
    if (tag == 256) w = value;
    if (tag == 257) h = value;
  }
  if (w <= 0 || h <= 0) return false;
  *width = int(w);
  *height = int(h);
  return true;
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
    while (i < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[i])) &&
           *value < 1'000'000'000L) {
      *value = *value * 10 + (bytes[i] - '0');
      ++i;
    }
    if (i == start) return false;
  }
  header->data_offset = i + 1;
  return header->width > 0 && header->height > 0 && header->width <= 0x7fffffff &&
         header->height <= 0x7fffffff;
}

bool PeekPnm(std::string_view bytes, int* width, int* height) {
  PnmHeader header;
  if (!ParsePnmHeader(bytes, &header)) return false;
  *width = int(header.width);
  *height = int(header.height);
  return true;
}

bool PnmIsComplete(std::string_view bytes) {
  if (bytes[1] != '5') return true;  // ASCII PGM: OpenCV fails on short data by itself
  PnmHeader header;
  if (!ParsePnmHeader(bytes, &header)) return false;
  std::size_t sample_bytes = header.maxval > 255 ? 2 : 1;
  return bytes.size() >= header.data_offset + std::size_t(header.width) *
                                                  std::size_t(header.height) * sample_bytes;
}

// ---- BMP -----------------------------------------------------------------------------------

bool SniffBmp(std::string_view bytes) { return StartsWith(bytes, "BM"); }

bool PeekBmp(std::string_view bytes, int* width, int* height) {
  if (bytes.size() < 26) return false;
  const unsigned char* p = Bytes(bytes);
  std::int32_t w, h;
  std::memcpy(&w, p + 18, 4);  // BITMAPINFOHEADER, little endian (x86)
  std::memcpy(&h, p + 22, 4);
  if (w <= 0 || h == 0 || h == INT32_MIN) return false;
  *width = w;
  *height = h < 0 ? -h : h;
  return true;
}

}  // namespace

// DICOM's functions live in src/dicom/ (the only module that includes DCMTK); DecodeDicom
// decides lossy by the transfer syntax.
const std::vector<ImageFormatInfo>& ImageFormats() {
  constexpr bool kLossy = true, kLossless = false;
  static const std::vector<ImageFormatInfo> kFormats = {
      {ImageFormat::kJpeg, "jpeg", "JPEG", kLossy, SniffJpeg, PeekJpeg, JpegIsComplete, nullptr,
       {".jpg", ".jpeg"}},
      {ImageFormat::kPng, "png", "PNG", kLossless, SniffPng, PeekPng, nullptr, nullptr, {".png"}},
      {ImageFormat::kTiff, "tiff", "TIFF", kLossless, SniffTiff, PeekTiff, nullptr, nullptr,
       {".tif", ".tiff"}},
      {ImageFormat::kPnm, "pnm", "PGM", kLossless, SniffPnm, PeekPnm, PnmIsComplete, nullptr,
       {".pgm", ".pnm"}},
      {ImageFormat::kBmp, "bmp", "BMP", kLossless, SniffBmp, PeekBmp, nullptr, nullptr, {".bmp"}},
      {ImageFormat::kDicom, "dicom", "DICOM", kLossless, LooksLikeDicom, PeekDicomDimensions,
       nullptr, DecodeDicom, {".dcm"}, /*sniff_first=*/true},
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

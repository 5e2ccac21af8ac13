#include "mammocad/decode.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

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

bool PeekPng(std::string_view bytes, int* width, int* height) {
  // 8-byte signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4).
  if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return false;
  std::uint32_t w = ReadBigEndian32(Bytes(bytes) + 16), h = ReadBigEndian32(Bytes(bytes) + 20);
  if (w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff) return false;
  *width = int(w);
  *height = int(h);
  return true;
}

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

// libjpeg and OpenCV's PNM reader "decode" a truncated file by filling the missing rows with
// grey, which would silently analyse half a mammogram; so completeness is checked up front.
bool JpegIsComplete(std::string_view bytes) {
  // Entropy-coded data escape 0xFF as FF 00, so an FF D9 after the first scan is the EOI.
  std::size_t scan = bytes.find("\xFF\xDA");
  std::size_t end = bytes.rfind("\xFF\xD9");
  return scan != std::string_view::npos && end != std::string_view::npos && end > scan;
}

bool PnmIsComplete(std::string_view bytes) {
  if (bytes[1] != '5') return true;  // ASCII PGM: OpenCV fails on short data by itself
  PnmHeader header;
  if (!ParsePnmHeader(bytes, &header)) return false;
  std::size_t sample_bytes = header.maxval > 255 ? 2 : 1;
  return bytes.size() >= header.data_offset + std::size_t(header.width) *
                                                  std::size_t(header.height) * sample_bytes;
}

const char* FormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kTiff: return "tiff";
    case ImageFormat::kPnm: return "pnm";
    case ImageFormat::kBmp: return "bmp";
    case ImageFormat::kDicom: return "dicom";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

int SignificantBits(const cv::Mat& pixels) {
  if (pixels.depth() == CV_8U) return 8;
  double max_value = 0;
  cv::minMaxLoc(pixels, nullptr, &max_value);
  int bits = 8;
  while (bits < 16 && max_value >= double(1 << bits)) ++bits;
  return bits;
}

}  // namespace

ImageFormat SniffFormat(std::string_view bytes) {
  // DICOM first: its 128-byte preamble may itself hold a TIFF header (dual-format files).
  if (LooksLikeDicom(bytes)) return ImageFormat::kDicom;
  if (StartsWith(bytes, "\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (StartsWith(bytes, "\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (StartsWith(bytes, std::string_view("II*\0", 4)) || StartsWith(bytes, std::string_view("MM\0*", 4)))
    return ImageFormat::kTiff;
  if (bytes.size() >= 3 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '5') &&
      std::isspace(static_cast<unsigned char>(bytes[2])))
    return ImageFormat::kPnm;
  if (StartsWith(bytes, "BM")) return ImageFormat::kBmp;
  return ImageFormat::kUnknown;
}

bool PeekDimensions(std::string_view bytes, ImageFormat format, int* width, int* height) {
  switch (format) {
    case ImageFormat::kJpeg: return PeekJpeg(bytes, width, height);
    case ImageFormat::kPng: return PeekPng(bytes, width, height);
    case ImageFormat::kTiff: return PeekTiff(bytes, width, height);
    case ImageFormat::kPnm: return PeekPnm(bytes, width, height);
    case ImageFormat::kBmp: return PeekBmp(bytes, width, height);
    case ImageFormat::kDicom:
    case ImageFormat::kUnknown: break;
  }
  return false;
}

Status DecodeImage(std::string_view bytes, const DecodeLimits& limits, Image* out) {
  if (bytes.empty()) return Status(ErrorCode::kEmptyFile, "the file is empty (0 bytes)");
  if (bytes.size() > limits.max_bytes) {
    return Status(ErrorCode::kPayloadTooLarge,
                  "the file has " + std::to_string(bytes.size()) + " bytes; the limit is " +
                      std::to_string(limits.max_bytes));
  }
  ImageFormat format = SniffFormat(bytes);
  if (format == ImageFormat::kUnknown) {
    return Status(ErrorCode::kUnsupportedFormat,
                  "the bytes are not an image in a supported format "
                  "(JPEG, PNG, TIFF, PGM, BMP or DICOM)");
  }
  if (format == ImageFormat::kDicom) return DecodeDicom(bytes, limits, out);

  const char* name = FormatName(format);
  int width = 0, height = 0;
  if (!PeekDimensions(bytes, format, &width, &height)) {
    return Status(ErrorCode::kCorruptImage,
                  std::string("the ") + name + " header is damaged: no image size found");
  }
  if (std::int64_t(width) * height > limits.max_pixels) {
    return Status(ErrorCode::kTooManyPixels,
                  std::string("the image is ") + std::to_string(width) + "x" +
                      std::to_string(height) + " pixels; the limit is " +
                      std::to_string(limits.max_pixels) + " pixels");
  }
  bool complete = format == ImageFormat::kJpeg  ? JpegIsComplete(bytes)
                  : format == ImageFormat::kPnm ? PnmIsComplete(bytes)
                                                : true;
  if (!complete) {
    return Status(ErrorCode::kCorruptImage,
                  std::string("the ") + name + " data are truncated (the file ends early)");
  }
  cv::Mat pixels;
  try {
    // Ask for grayscale directly: decoding JPEG to colour first costs twice the time.
    // imdecode only reads the buffer; wrapping it avoids copying a 30 MB upload.
    cv::Mat encoded(1, int(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    pixels = cv::imdecode(encoded, cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH);
  } catch (const cv::Exception&) {
    pixels.release();
  }
  if (pixels.empty()) {
    return Status(ErrorCode::kCorruptImage,
                  std::string("the ") + name + " data could not be decoded (truncated or damaged)");
  }
  if (pixels.channels() != 1) {
    cv::cvtColor(pixels, pixels, cv::COLOR_BGR2GRAY);
  }
  if (pixels.depth() != CV_8U && pixels.depth() != CV_16U) {
    return Status(ErrorCode::kUnsupportedFormat,
                  std::string("the ") + name +
                      " image has a sample type other than 8 or 16 bit unsigned integers");
  }
  *out = Image();
  out->pixels = pixels;
  out->bits_stored = SignificantBits(pixels);
  out->format = name;
  return Status::Ok();
}

Status ReadFileBytes(const std::string& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, "cannot open '" + path + "'");
  std::ostringstream content;
  content << in.rdbuf();
  if (!in.good() && !in.eof()) return Status(ErrorCode::kIoError, "cannot read '" + path + "'");
  *bytes = std::move(content).str();
  return Status::Ok();
}

}  // namespace mammocad

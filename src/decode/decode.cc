#include "mammocad/decode.h"

#include <fstream>
#include <sstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "decode/image_formats.h"

namespace mammocad {
namespace {

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
  const ImageFormatInfo* info = SniffFormatInfo(bytes);
  return info == nullptr ? ImageFormat::kUnknown : info->format;
}

bool PeekDimensions(std::string_view bytes, ImageFormat format, int* width, int* height) {
  const ImageFormatInfo* info = FormatInfo(format);
  return info != nullptr && info->peek(bytes, width, height).ok();
}

Status DecodeImage(std::string_view bytes, const DecodeLimits& limits, Image* out) {
  if (bytes.empty()) return Status(ErrorCode::kEmptyFile, "the file is empty (0 bytes)");
  if (bytes.size() > limits.max_bytes) {
    return Status(ErrorCode::kPayloadTooLarge,
                  "the file has " + std::to_string(bytes.size()) + " bytes; the limit is " +
                      std::to_string(limits.max_bytes));
  }
  const ImageFormatInfo* format = SniffFormatInfo(bytes);
  if (format == nullptr) {
    return Status(ErrorCode::kUnsupportedFormat,
                  "the bytes are not an image in a supported format (" + ImageFormatList() + ")");
  }
  if (format->decode != nullptr) return format->decode(bytes, limits, out);

  const std::string name(format->name);
  int width = 0, height = 0;
  if (Status s = format->peek(bytes, &width, &height); !s.ok()) return s;
  if (std::int64_t(width) * height > limits.max_pixels) {
    return Status(ErrorCode::kTooManyPixels,
                  std::string("the image is ") + std::to_string(width) + "x" +
                      std::to_string(height) + " pixels; the limit is " +
                      std::to_string(limits.max_pixels) + " pixels");
  }
  if (format->check_data != nullptr) {
    if (Status s = format->check_data(bytes); !s.ok()) return s;
  }
  cv::Mat pixels;
  if (format->decode_pixels != nullptr) {
    if (Status s = format->decode_pixels(bytes, &pixels); !s.ok()) return s;
  }
  if (pixels.empty()) {  // no decoder of its own, or one that leaves this file to OpenCV
    try {
      // Ask for grayscale directly: decoding to colour first costs twice the time.
      // imdecode only reads the buffer; wrapping it avoids copying a 30 MB upload.
      cv::Mat encoded(1, int(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
      pixels = cv::imdecode(encoded, cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH);
    } catch (const cv::Exception&) {
      pixels.release();
    }
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
  out->lossy = format->lossy;
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

#include "server/pixels_reply.h"

#include <cstdint>
#include <cstdio>
#include <string>

#include "mammocad/render.h"

namespace mammocad {
namespace {

// A DICOM code string as a header value: letters, digits, blanks and _ only (a crafted file
// cannot put a line break into the reply).
std::string HeaderSafe(const std::string& value) {
  std::string out;
  for (char c : value.substr(0, 16))
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
        c == '_')
      out += c;
  return out;
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

HttpReply DecodedPixelsReply(const Image& image) {
  const cv::Mat& pixels = image.pixels;
  const bool wide = pixels.depth() == CV_16U;
  HttpReply reply;
  reply.content_type = "application/octet-stream";
  reply.body.resize(std::size_t(pixels.rows) * pixels.cols * (wide ? 2 : 1));
  char* out = reply.body.data();
  for (int row = 0; row < pixels.rows; ++row) {
    if (!wide) {
      const std::uint8_t* in = pixels.ptr<std::uint8_t>(row);
      for (int column = 0; column < pixels.cols; ++column) *out++ = char(in[column]);
      continue;
    }
    const std::uint16_t* in = pixels.ptr<std::uint16_t>(row);
    for (int column = 0; column < pixels.cols; ++column) {  // little-endian on any host
      *out++ = char(in[column] & 0xff);
      *out++ = char(in[column] >> 8);
    }
  }
  reply.headers = {{"Cache-Control", "no-store"},
                   {"X-Image-Width", std::to_string(pixels.cols)},
                   {"X-Image-Height", std::to_string(pixels.rows)},
                   {"X-Image-Bytes-Per-Sample", wide ? "2" : "1"},
                   {"X-Image-Bits-Stored", std::to_string(image.bits_stored)},
                   {"X-Image-Format", HeaderSafe(image.format)}};
  if (!image.laterality.empty())
    reply.headers.emplace_back("X-Image-Laterality", HeaderSafe(image.laterality));
  if (!image.view.empty()) reply.headers.emplace_back("X-Image-View", HeaderSafe(image.view));
  if (std::optional<GreyWindow> window = DisplayWindow(image)) {
    reply.headers.emplace_back("X-Window-Low", Number(window->low));
    reply.headers.emplace_back("X-Window-High", Number(window->high));
  }
  return reply;
}

}  // namespace mammocad

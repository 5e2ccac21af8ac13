#include "mammocad/render.h"

#include <algorithm>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

const cv::Scalar kClusterColour(0, 0, 255);        // red (BGR)
const cv::Scalar kCalcificationColour(0, 255, 255);  // yellow

}  // namespace

cv::Mat DisplayImage(const Image& image) {
  if (!image.display.empty()) return image.display;
  if (image.pixels.depth() == CV_8U) return image.pixels;
  cv::Mat display;
  double max_value = double((1 << std::clamp(image.bits_stored, 1, 16)) - 1);
  image.pixels.convertTo(display, CV_8U, 255.0 / max_value);
  return display;
}

cv::Mat RenderFindings(const Image& image, const std::vector<Finding>& findings) {
  cv::Mat canvas;
  cv::cvtColor(DisplayImage(image), canvas, cv::COLOR_GRAY2BGR);
  int longer_side = std::max(canvas.cols, canvas.rows);
  int thickness = std::max(1, longer_side / 600);
  double font_scale = std::max(0.4, longer_side / 1600.0);
  // Draw lowest scores first so the strongest findings stay on top.
  for (auto it = findings.rbegin(); it != findings.rend(); ++it) {
    const Finding& f = *it;
    for (const Calcification& c : f.members) {
      int radius = std::max(2, std::max(c.box.width, c.box.height) / 2 + thickness);
      cv::circle(canvas, c.centre, radius, kCalcificationColour, thickness, cv::LINE_AA);
    }
    cv::Scalar colour = f.kind == FindingKind::kCluster ? kClusterColour : kCalcificationColour;
    cv::rectangle(canvas, f.box, colour, thickness, cv::LINE_AA);
    char label[16];
    std::snprintf(label, sizeof label, "%.2f", f.score);
    int baseline = 0;
    cv::Size text = cv::getTextSize(label, cv::FONT_HERSHEY_SIMPLEX, font_scale, thickness, &baseline);
    cv::Point origin(f.box.x, f.box.y - thickness - 2);
    if (origin.y - text.height < 0) origin.y = f.box.y + f.box.height + text.height + thickness + 2;
    cv::putText(canvas, label, origin, cv::FONT_HERSHEY_SIMPLEX, font_scale, colour, thickness,
                cv::LINE_AA);
  }
  return canvas;
}

cv::Mat SideBySide(const std::vector<cv::Mat>& images) {
  if (images.size() == 1) return images[0];
  int width = 0, height = 0;
  for (const cv::Mat& m : images) {
    width += m.cols;
    height = std::max(height, m.rows);
  }
  // JPEG cannot hold a side over 65535 pixels: shrink a very wide row of images to fit.
  constexpr int kMaxSide = 65000;
  if (width > kMaxSide) {
    double scale = double(kMaxSide) / width;
    std::vector<cv::Mat> smaller(images.size());
    for (std::size_t i = 0; i < images.size(); ++i) {
      // Round down so the sum stays under the limit.
      cv::Size size(std::max(1, int(images[i].cols * scale)), std::max(1, int(images[i].rows * scale)));
      cv::resize(images[i], smaller[i], size, 0, 0, cv::INTER_AREA);
    }
    return SideBySide(smaller);
  }
  cv::Mat canvas(height, width, CV_8UC3, cv::Scalar::all(0));
  int x = 0;
  for (const cv::Mat& m : images) {
    m.copyTo(canvas(cv::Rect(x, 0, m.cols, m.rows)));
    x += m.cols;
  }
  return canvas;
}

std::string EncodeJpeg(const cv::Mat& image) {
  std::vector<uchar> bytes;
  try {
    if (!cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 90})) return {};
  } catch (const cv::Exception&) {
    return {};
  }
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace mammocad

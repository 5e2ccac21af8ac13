#include "mammocad/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

const cv::Scalar kTagColour(24, 24, 24);     // the dark tag behind a score
const cv::Scalar kPanelColour(40, 40, 40);   // the canvas around labelled panels
const cv::Scalar kCaptionColour(235, 235, 235);
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

// Sizes that follow the image: a 1024-pixel mammogram gets 2-pixel lines, a 4096-pixel one 8.
struct Pen {
  int thickness;
  int gap;  // between a finding's box and its outline
  double font_scale;
};

Pen PenFor(const cv::Mat& canvas) {
  const int longer_side = std::max(canvas.cols, canvas.rows);
  const int thickness = std::max(1, int(std::lround(longer_side / 512.0)));
  return {thickness, 2 * thickness + 2, std::max(0.4, longer_side / 2000.0)};
}

bool OverlapsAny(const cv::Rect& box, const std::vector<cv::Rect>& taken) {
  return std::any_of(taken.begin(), taken.end(),
                     [&](const cv::Rect& other) { return (box & other).area() > 0; });
}

// Where the tag of size `size` goes beside `outline`: the first of above, below, right, left
// that stays inside the canvas and overlaps no tag placed before; else the first inside one,
// moved down until it is free (or as far as the canvas allows).
cv::Rect PlaceTag(const cv::Rect& outline, cv::Size size, const cv::Size& canvas,
                  const std::vector<cv::Rect>& taken) {
  const cv::Rect candidates[] = {
      {outline.x, outline.y - size.height, size.width, size.height},
      {outline.x, outline.y + outline.height, size.width, size.height},
      {outline.x + outline.width, outline.y, size.width, size.height},
      {outline.x - size.width, outline.y, size.width, size.height},
  };
  const cv::Rect inside(0, 0, canvas.width, canvas.height);
  const cv::Rect* fallback = nullptr;
  for (const cv::Rect& c : candidates) {
    if ((c & inside) != c) continue;
    if (!OverlapsAny(c, taken)) return c;
    if (fallback == nullptr) fallback = &c;
  }
  cv::Rect tag = fallback != nullptr ? *fallback : candidates[0];
  tag.x = std::clamp(tag.x, 0, std::max(0, canvas.width - tag.width));
  tag.y = std::clamp(tag.y, 0, std::max(0, canvas.height - tag.height));
  while (OverlapsAny(tag, taken) && tag.y + 2 * tag.height <= canvas.height) tag.y += tag.height;
  return tag;
}

void DrawTag(cv::Mat& canvas, const std::string& text, const cv::Rect& tag, const Pen& pen,
             const cv::Scalar& colour) {
  cv::rectangle(canvas, tag, kTagColour, cv::FILLED);
  int baseline = 0;
  const int text_thickness = std::max(1, pen.thickness / 2);
  cv::Size size = cv::getTextSize(text, kFont, pen.font_scale, text_thickness, &baseline);
  cv::Point origin(tag.x + (tag.width - size.width) / 2, tag.y + (tag.height + size.height) / 2);
  cv::putText(canvas, text, origin, kFont, pen.font_scale, colour, text_thickness, cv::LINE_AA);
}

std::string Printable(const std::string& text) {
  std::string out = text.substr(0, 120);
  for (char& c : out)
    if (c < 0x20 || c > 0x7e) c = '?';
  return out;
}

}  // namespace

cv::Mat DisplayImage(const Image& image) {
  if (!image.display.empty()) return image.display;
  if (image.pixels.depth() == CV_8U) return image.pixels;
  cv::Mat display;
  double max_value = double((1 << std::clamp(image.bits_stored, 1, 16)) - 1);
  image.pixels.convertTo(display, CV_8U, 255.0 / max_value);
  return display;
}

std::optional<GreyWindow> DisplayWindow(const Image& image) {
  if (image.display.empty() || image.display.size() != image.pixels.size()) return std::nullopt;
  // Mean display value per stored value, then a weighted least-squares line through the
  // stored values shown between black and white (the window's linear part).
  const int levels = image.pixels.depth() == CV_16U ? 65536 : 256;
  std::vector<double> sum(levels, 0), count(levels, 0);
  for (int row = 0; row < image.pixels.rows; ++row) {
    const std::uint8_t* shown = image.display.ptr<std::uint8_t>(row);
    for (int column = 0; column < image.pixels.cols; ++column) {
      const int stored = levels == 65536 ? image.pixels.ptr<std::uint16_t>(row)[column]
                                         : image.pixels.ptr<std::uint8_t>(row)[column];
      sum[stored] += shown[column];
      count[stored] += 1;
    }
  }
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int v = 0; v < levels; ++v) {
    if (count[v] == 0) continue;
    const double mean = sum[v] / count[v];
    if (mean <= 0.5 || mean >= 254.5) continue;
    n += count[v];
    sx += count[v] * v;
    sy += count[v] * mean;
    sxx += count[v] * double(v) * v;
    sxy += count[v] * v * mean;
  }
  const double denominator = n * sxx - sx * sx;
  if (n == 0 || denominator <= 0) return std::nullopt;
  const double slope = (n * sxy - sx * sy) / denominator;
  const double intercept = (sy - slope * sx) / n;
  if (!(slope > 0)) return std::nullopt;
  return GreyWindow{-intercept / slope, (255 - intercept) / slope};
}

cv::Mat RenderFindings(const Image& image, const std::vector<Finding>& findings) {
  cv::Mat canvas;
  cv::cvtColor(DisplayImage(image), canvas, cv::COLOR_GRAY2BGR);
  const Pen pen = PenFor(canvas);
  // Outlines first (lowest score first, so the strongest stay on top), then every tag, so
  // no outline crosses a score.
  struct Tag {
    std::string text;
    cv::Rect where;
    cv::Scalar colour;
  };
  std::vector<Tag> tags;
  std::vector<cv::Rect> taken;
  for (auto it = findings.rbegin(); it != findings.rend(); ++it) {
    const Finding& f = *it;
    for (const Calcification& c : f.members) {
      const int radius = std::max(c.box.width, c.box.height) / 2 + pen.gap;
      cv::circle(canvas, c.centre, radius, kCalcificationColour, std::max(1, pen.thickness / 2),
                 cv::LINE_AA);
    }
    const cv::Scalar colour =
        f.kind == FindingKind::kCluster ? kClusterColour : kCalcificationColour;
    const int outset = pen.gap + pen.thickness / 2;
    const cv::Rect outline(f.box.x - outset, f.box.y - outset, f.box.width + 2 * outset,
                           f.box.height + 2 * outset);
    cv::rectangle(canvas, outline, colour, pen.thickness, cv::LINE_AA);
    taken.push_back(f.box);  // a tag never hides a finding either
    char label[16];
    std::snprintf(label, sizeof label, "%.2f", f.score);
    tags.push_back({label, outline, colour});
  }
  // Tags of the strongest findings are placed first, so they get the best places.
  for (auto it = tags.rbegin(); it != tags.rend(); ++it) {
    int baseline = 0;
    const cv::Size text = cv::getTextSize(it->text, kFont, pen.font_scale,
                                          std::max(1, pen.thickness / 2), &baseline);
    const cv::Size size(text.width + 2 * pen.thickness + 4, text.height + baseline + 4);
    it->where = PlaceTag(it->where, size, canvas.size(), taken);
    taken.push_back(it->where);
  }
  for (const Tag& tag : tags) DrawTag(canvas, tag.text, tag.where, pen, tag.colour);
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

cv::Mat LabelledPanels(const std::vector<Panel>& panels) {
  if (panels.empty()) return {};
  if (panels.size() == 1 && panels[0].caption.empty()) return panels[0].image;
  int tallest = 1;
  for (const Panel& p : panels) tallest = std::max(tallest, p.image.rows);
  const int caption_height = std::max(24, tallest / 32);
  const int gap = std::max(8, tallest / 64);
  const double font_scale = caption_height / 40.0;
  const int text_thickness = std::max(1, caption_height / 24);
  std::vector<cv::Mat> columns;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const cv::Mat& image = panels[i].image;
    const int right_gap = i + 1 < panels.size() ? gap : 0;
    cv::Mat column(caption_height + tallest, image.cols + right_gap, CV_8UC3, kPanelColour);
    image.copyTo(column(cv::Rect(0, caption_height, image.cols, image.rows)));
    cv::putText(column, Printable(panels[i].caption),
                cv::Point(caption_height / 4, caption_height * 3 / 4), kFont, font_scale,
                kCaptionColour, text_thickness, cv::LINE_AA);
    columns.push_back(std::move(column));
  }
  return SideBySide(columns);
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

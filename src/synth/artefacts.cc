// Artefacts (synth/benign.h, docs/simulator.md): dust, scanner lines, scratches, film edges and
// labels. They are not X-ray images of tissue, so they are drawn in pixels, sharp: after the
// blur and the noise.
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "synth/benign_model.h"

namespace mammocad::synth {
namespace {

constexpr double kMaxScanTiltDeg = 3.0;  // scanner lines: about horizontal or vertical
constexpr double kLabelMarginMm = 1.5;   // between a label's border and its text

cv::Point Round(cv::Point2d p) {
  return {static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y))};
}

cv::Point2f Middle(cv::Point a, cv::Point b) { return (cv::Point2f(a) + cv::Point2f(b)) * 0.5f; }

void Record(BenignKind kind, cv::Rect box, cv::Point2f centre, double size_mm, double contrast,
            BenignDrawing* out) {
  *out = BenignDrawing();
  out->record.kind = kind;
  out->record.box = box;
  out->record.centre = centre;
  out->record.size_mm = size_mm;
  out->record.contrast = contrast;
}

// One bright pixel, or two touching ones.
bool TryDust(const BenignRoom& room, std::mt19937_64& rng, BenignDrawing* out) {
  cv::Point p;
  if (!room.RandomPixel(true, rng, &p)) return false;
  std::vector<cv::Point> pixels = {p};
  if (Uniform(0.0, 1.0, rng) < 0.5) {
    static const cv::Point kNext[] = {{1, 0}, {0, 1}, {1, 1}, {-1, 1}};
    pixels.push_back(p + kNext[std::uniform_int_distribution<int>(0, 3)(rng)]);
  }
  const double contrast = Uniform(0.2, 0.5, rng);
  const cv::Rect box = cv::boundingRect(pixels);
  if (room.Depth(pixels.back()) <= 0 || !room.Clear(box)) return false;
  Record(BenignKind::kDust, box, Middle(pixels.front(), pixels.back()),
         std::max(box.width, box.height) * room.spacing_mm, contrast, out);
  for (cv::Point q : pixels) out->record.points.emplace_back(q);
  return true;
}

// A 1 pixel line through the region, about horizontal or vertical, half the time across the
// whole image.
bool TryScannerLine(const BenignRoom& room, std::mt19937_64& rng, BenignDrawing* out) {
  cv::Point p;
  if (!room.RandomPixel(true, rng, &p)) return false;
  const bool horizontal = Uniform(0.0, 1.0, rng) < 0.5;
  const double tilt =
      Uniform(0.0, 1.0, rng) < 0.5 ? 0.0 : Uniform(-kMaxScanTiltDeg, kMaxScanTiltDeg, rng) * M_PI / 180;
  const double extent = horizontal ? room.region.cols : room.region.rows;
  const double length = Uniform(0.0, 1.0, rng) < 0.5 ? 2 * extent : Uniform(0.3, 1.0, rng) * extent;
  const double contrast = Uniform(0.03, 0.12, rng);
  const cv::Point2d dir = horizontal ? cv::Point2d(std::cos(tilt), std::sin(tilt))
                                     : cv::Point2d(std::sin(tilt), std::cos(tilt));
  cv::Point a = Round(cv::Point2d(p) - dir * (length / 2)), b = Round(cv::Point2d(p) + dir * (length / 2));
  if (!cv::clipLine(room.region.size(), a, b)) return false;
  Record(BenignKind::kScannerLine, cv::boundingRect(std::vector<cv::Point>{a, b}), Middle(a, b),
         cv::norm(b - a) * room.spacing_mm, contrast, out);
  out->record.points = {cv::Point2f(a), cv::Point2f(b)};
  return true;
}

// A short 1 pixel segment, bright or dark, wholly inside the region.
bool TryScratch(const BenignRoom& room, std::mt19937_64& rng, BenignDrawing* out) {
  cv::Point c;
  if (!room.RandomPixel(true, rng, &c)) return false;
  const double length_mm = Uniform(3.0, 30.0, rng), angle = Uniform(0.0, M_PI, rng);
  const double contrast = (Uniform(0.0, 1.0, rng) < 0.5 ? -1 : 1) * Uniform(0.05, 0.2, rng);
  const cv::Point2d half = length_mm / 2 / room.spacing_mm * cv::Point2d(std::cos(angle), std::sin(angle));
  const cv::Point a = Round(cv::Point2d(c) - half), b = Round(cv::Point2d(c) + half);
  if (room.Depth(a) <= 0 || room.Depth(b) <= 0) return false;
  cv::LineIterator it(room.region, a, b, 8, true);  // the pixels cv::line draws
  for (int i = 0; i < it.count; ++i, ++it) {
    if (**it == 0) return false;
  }
  const cv::Rect box = cv::boundingRect(std::vector<cv::Point>{a, b});
  if (!room.Clear(box)) return false;
  Record(BenignKind::kScratch, box, Middle(a, b), cv::norm(b - a) * room.spacing_mm, contrast, out);
  out->record.points = {cv::Point2f(a), cv::Point2f(b)};
  return true;
}

// A bright band 1-8 mm wide along one image border, slightly tilted (its two ends differ by
// up to 1 mm).
bool TryFilmEdge(const BenignRoom& room, std::mt19937_64& rng, BenignDrawing* out) {
  const int side = std::uniform_int_distribution<int>(0, 3)(rng);  // top, bottom, left, right
  const double w0 = Uniform(1.0, 8.0, rng), w1 = std::max(0.5, w0 + Uniform(-1.0, 1.0, rng));
  const double level = Uniform(0.85, 0.98, rng);
  const int cols = room.region.cols, rows = room.region.rows;
  const int along = side < 2 ? cols : rows, across = side < 2 ? rows : cols;
  // (position along the border, depth from it) -> pixel.
  const auto to_pixel = [&](int u, int v) {
    switch (side) {
      case 0: return cv::Point(u, v);
      case 1: return cv::Point(u, rows - 1 - v);
      case 2: return cv::Point(v, u);
      default: return cv::Point(cols - 1 - v, u);
    }
  };
  const auto depth = [&](double mm) {
    return std::clamp(static_cast<int>(std::lround(mm / room.spacing_mm)) - 1, 0, across - 1);
  };
  const cv::Point inner0 = to_pixel(0, depth(w0)), inner1 = to_pixel(along - 1, depth(w1));
  std::vector<cv::Point> band = {to_pixel(0, 0), to_pixel(along - 1, 0), inner1, inner0};
  const cv::Rect box = cv::boundingRect(band);
  Record(BenignKind::kFilmEdge, box, Middle(box.tl(), box.br() - cv::Point(1, 1)),
         std::max(w0, w1), level, out);
  out->record.points = {cv::Point2f(inner0), cv::Point2f(inner1)};
  for (cv::Point& q : band) q -= box.tl();
  out->outline = std::move(band);
  return true;
}

// A bright rectangle 10-30 x 5-12 mm centred outside the region, with 2-4 rows of bright
// "words" 1-5 mm long.
bool TryLabel(const BenignRoom& room, std::mt19937_64& rng, BenignDrawing* out) {
  cv::Point c;
  if (!room.RandomPixel(false, rng, &c)) return false;
  const double s = room.spacing_mm;
  const double w = Uniform(10.0, 30.0, rng) / s, h = Uniform(5.0, 12.0, rng) / s;
  const double level = Uniform(0.6, 0.85, rng);
  const cv::Point corner = Round({c.x - w / 2, c.y - h / 2});
  const cv::Rect whole(corner.x, corner.y, static_cast<int>(std::lround(w)),
                       static_cast<int>(std::lround(h)));
  const cv::Rect image(0, 0, room.region.cols, room.region.rows);
  const cv::Rect box = whole & image;
  if (2 * box.area() < whole.area() || !room.Clear(box)) return false;  // mostly on the image
  Record(BenignKind::kLabel, box, Middle(box.tl(), box.br() - cv::Point(1, 1)),
         std::max(w, h) * s, level, out);
  const int lines = std::uniform_int_distribution<int>(2, 4)(rng);
  const double pitch = h / (lines + 1), margin = kLabelMarginMm / s;
  const int bar_height = std::max(1, static_cast<int>(std::lround(0.5 * pitch)));
  for (int line = 1; line <= lines; ++line) {
    const int y = static_cast<int>(std::lround(whole.y + line * pitch - bar_height / 2.0));
    for (double x = whole.x + margin; x < whole.x + w - margin;) {
      const double end = std::min(x + Uniform(1.0, 5.0, rng) / s, whole.x + w - margin);
      const cv::Rect bar = cv::Rect(Round({x, static_cast<double>(y)}),
                                    cv::Point(static_cast<int>(std::lround(end)), y + bar_height)) &
                           image;
      if (!bar.empty()) out->record.text.push_back(bar);
      x = end + Uniform(0.6, 1.5, rng) / s;
    }
  }
  return true;
}

}  // namespace

bool TryArtefact(BenignKind kind, const BenignRoom& room, std::mt19937_64& rng,
                 BenignDrawing* out) {
  switch (kind) {
    case BenignKind::kDust: return TryDust(room, rng, out);
    case BenignKind::kScannerLine: return TryScannerLine(room, rng, out);
    case BenignKind::kScratch: return TryScratch(room, rng, out);
    case BenignKind::kFilmEdge: return TryFilmEdge(room, rng, out);
    case BenignKind::kLabel: return TryLabel(room, rng, out);
    default: return false;
  }
}

void DrawArtefacts(const std::vector<BenignDrawing>& findings, cv::Mat1f* image) {
  for (const BenignDrawing& d : findings) {
    const SyntheticBenign& r = d.record;
    if (!IsArtefact(r.kind)) continue;  // calcifications: DrawBenignCalcium
    cv::Mat1f roi = (*image)(r.box);
    cv::Mat1b mask = cv::Mat1b::zeros(r.box.size());
    switch (r.kind) {
      case BenignKind::kDust:
        for (cv::Point2f p : r.points) (*image)(cv::Point(p)) += static_cast<float>(r.contrast);
        break;
      case BenignKind::kScannerLine:
      case BenignKind::kScratch:
        cv::line(mask, cv::Point(r.points[0]) - r.box.tl(), cv::Point(r.points[1]) - r.box.tl(),
                 cv::Scalar(255), 1, cv::LINE_8);
        cv::add(roi, cv::Scalar(r.contrast), roi, mask);
        break;
      case BenignKind::kFilmEdge:
        cv::fillConvexPoly(mask, d.outline, cv::Scalar(255), cv::LINE_8);
        roi.setTo(r.contrast, mask);
        break;
      case BenignKind::kLabel:
        roi.setTo(r.contrast);
        for (const cv::Rect& bar : r.text) (*image)(bar).setTo(1.0);
        break;
      default: break;
    }
  }
}

}  // namespace mammocad::synth

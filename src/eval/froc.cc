// FROC curves, their CSV and their SVG plot (see include/mammocad/froc.h).
#include "eval/froc.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace mammocad {
namespace {

constexpr double kAboveEveryScore = 1.0 + 1e-9;

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// The SVG canvas: plot area inside margins, data coordinates mapped linearly.
struct PlotFrame {
  double width = 720, height = 500;
  double left = 70, right = 190, top = 50, bottom = 60;
  double max_fp = 2.5;

  double X(double fp) const { return left + (width - left - right) * fp / max_fp; }
  double Y(double sensitivity) const { return top + (height - top - bottom) * (1 - sensitivity); }
  double PlotRight() const { return width - right; }
  double PlotBottom() const { return height - bottom; }
};

// The x axis always shows the reported rates; longer curves widen it up to 10 FP/image.
double AxisMaxFp(const std::vector<FrocPlotSeries>& series) {
  double most = 0;
  for (const FrocPlotSeries& s : series) {
    if (!s.curve.points.empty()) most = std::max(most, s.curve.points.back().fp_per_image);
  }
  return std::clamp(std::ceil(most), 2.5, 10.0);
}

void DrawGridAndAxes(const PlotFrame& f, const std::string& title, std::ostringstream& svg) {
  svg << "<text x=\"" << f.width / 2 << "\" y=\"28\" text-anchor=\"middle\" font-size=\"17\">"
      << EscapeXml(title) << "</text>\n";
  const double fp_step = f.max_fp <= 3 ? 0.25 : (f.max_fp <= 6 ? 0.5 : 1.0);
  for (double fp = 0; fp <= f.max_fp + 1e-9; fp += fp_step) {
    const bool major = std::fmod(fp + 1e-9, fp_step * 2) < 1e-6;
    svg << "<line x1=\"" << f.X(fp) << "\" y1=\"" << f.top << "\" x2=\"" << f.X(fp) << "\" y2=\""
        << f.PlotBottom() << "\" stroke=\"#ddd\"/>\n";
    if (major) {
      svg << "<text x=\"" << f.X(fp) << "\" y=\"" << f.PlotBottom() + 18
          << "\" text-anchor=\"middle\" font-size=\"12\">" << Fixed(fp, 1) << "</text>\n";
    }
  }
  for (int tenth = 0; tenth <= 10; ++tenth) {
    const double s = tenth / 10.0;
    svg << "<line x1=\"" << f.left << "\" y1=\"" << f.Y(s) << "\" x2=\"" << f.PlotRight()
        << "\" y2=\"" << f.Y(s) << "\" stroke=\"#ddd\"/>\n";
    svg << "<text x=\"" << f.left - 8 << "\" y=\"" << f.Y(s) + 4
        << "\" text-anchor=\"end\" font-size=\"12\">" << Fixed(s, 1) << "</text>\n";
  }
  svg << "<rect x=\"" << f.left << "\" y=\"" << f.top << "\" width=\"" << f.PlotRight() - f.left
      << "\" height=\"" << f.PlotBottom() - f.top << "\" fill=\"none\" stroke=\"#000\"/>\n";
  svg << "<text x=\"" << (f.left + f.PlotRight()) / 2 << "\" y=\"" << f.height - 18
      << "\" text-anchor=\"middle\" font-size=\"14\">false-positive findings per image</text>\n";
  svg << "<text transform=\"translate(20," << (f.top + f.PlotBottom()) / 2
      << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"14\">sensitivity</text>\n";
}

void DrawSeries(const PlotFrame& f, const FrocPlotSeries& s, const std::string& colour, int index,
                std::ostringstream& svg) {
  svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
  for (const OperatingPoint& p : s.curve.points) {
    if (p.fp_per_image > f.max_fp) break;
    svg << f.X(p.fp_per_image) << "," << f.Y(p.sensitivity) << " ";
  }
  svg << "\"/>\n";
  // The operating points reported in text, at the rate's x and the sensitivity reached there.
  for (double rate : ReportedFpRates()) {
    const OperatingPoint p = PointAtFpRate(s.curve, rate);
    svg << "<circle cx=\"" << f.X(rate) << "\" cy=\"" << f.Y(p.sensitivity) << "\" r=\"4.5\" fill=\""
        << colour << "\"><title>" << Fixed(p.sensitivity, 3) << " at " << rate
        << " FP/image</title></circle>\n";
    svg << "<text x=\"" << f.X(rate) + 6 << "\" y=\"" << f.Y(p.sensitivity) - 7 - 14 * index
        << "\" font-size=\"11\" fill=\"" << colour << "\">" << Fixed(p.sensitivity, 2)
        << "</text>\n";
  }
  const double legend_y = f.top + 12 + 34 * index;
  svg << "<line x1=\"" << f.PlotRight() + 12 << "\" y1=\"" << legend_y << "\" x2=\""
      << f.PlotRight() + 36 << "\" y2=\"" << legend_y << "\" stroke=\"" << colour
      << "\" stroke-width=\"2\"/>\n";
  svg << "<text x=\"" << f.PlotRight() + 42 << "\" y=\"" << legend_y + 4 << "\" font-size=\"12\">"
      << EscapeXml(s.label) << "</text>\n";
  svg << "<text x=\"" << f.PlotRight() + 42 << "\" y=\"" << legend_y + 18
      << "\" font-size=\"11\" fill=\"#555\">" << s.curve.lesions << " lesions, "
      << s.curve.images << " images</text>\n";
}

}  // namespace

std::string EscapeXml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

FrocCurve ComputeFroc(std::vector<ScoredFinding> findings, int lesions, int images) {
  FrocCurve curve;
  curve.lesions = lesions;
  curve.images = images;
  std::sort(findings.begin(), findings.end(),
            [](const ScoredFinding& a, const ScoredFinding& b) { return a.score > b.score; });
  curve.points.push_back({kAboveEveryScore, 0.0, 0.0});
  std::set<int> hit;
  int false_positives = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    const ScoredFinding& f = findings[i];
    if (f.lesion >= 0) hit.insert(f.lesion); else ++false_positives;
    // Findings with equal scores are kept or dropped together: one point per distinct score.
    if (i + 1 < findings.size() && findings[i + 1].score == f.score) continue;
    OperatingPoint p;
    p.threshold = f.score;
    p.sensitivity = lesions > 0 ? static_cast<double>(hit.size()) / lesions : 0.0;
    p.fp_per_image = images > 0 ? static_cast<double>(false_positives) / images : 0.0;
    curve.points.push_back(p);
  }
  return curve;
}

OperatingPoint PointAtFpRate(const FrocCurve& curve, double max_fp_per_image) {
  OperatingPoint best{kAboveEveryScore, 0.0, 0.0};
  for (const OperatingPoint& p : curve.points) {
    if (p.fp_per_image > max_fp_per_image) break;  // FP/image only grows along the curve
    if (p.sensitivity > best.sensitivity) best = p;
  }
  return best;
}

std::string FrocCsv(const FrocCurve& curve) {
  std::ostringstream csv;
  csv << "threshold,fp_per_image,sensitivity\n";
  for (const OperatingPoint& p : curve.points) {
    csv << Fixed(p.threshold, 6) << "," << Fixed(p.fp_per_image, 6) << ","
        << Fixed(p.sensitivity, 6) << "\n";
  }
  return csv.str();
}

std::string FrocSvg(const std::vector<FrocPlotSeries>& series, const std::string& title) {
  static const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  PlotFrame frame;
  frame.max_fp = AxisMaxFp(series);
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << frame.width << "\" height=\""
      << frame.height << "\" font-family=\"sans-serif\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  DrawGridAndAxes(frame, title, svg);
  for (size_t i = 0; i < series.size(); ++i) {
    DrawSeries(frame, series[i], kColours[i % 4], static_cast<int>(i), svg);
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace mammocad

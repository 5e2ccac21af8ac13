#include "eval/reliability.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "eval/froc.h"  // EscapeXml

namespace mammocad {
namespace {

constexpr int kBins = 10;

}  // namespace

std::vector<ReliabilityBin> ReliabilityBins(const std::vector<double>& probabilities,
                                            const std::vector<int>& labels) {
  std::vector<ReliabilityBin> bins(kBins);
  for (int b = 0; b < kBins; ++b) bins[b].lower = b / double(kBins);
  const size_t n = std::min(probabilities.size(), labels.size());
  for (size_t i = 0; i < n; ++i) {
    const double p = std::clamp(probabilities[i], 0.0, 1.0);
    ReliabilityBin& bin = bins[std::clamp(static_cast<int>(p * kBins), 0, kBins - 1)];
    ++bin.count;
    bin.mean_probability += p;
    bin.true_fraction += labels[i] != 0;
  }
  for (ReliabilityBin& bin : bins) {
    if (bin.count == 0) continue;
    bin.mean_probability /= bin.count;
    bin.true_fraction /= bin.count;
  }
  return bins;
}

std::string ReliabilityTable(const std::vector<ReliabilityBin>& bins) {
  std::string text = "reliability: probability bin, count, mean probability, true fraction\n";
  for (const ReliabilityBin& bin : bins) {
    if (bin.count == 0) continue;
    char line[96];
    std::snprintf(line, sizeof line, "  [%.1f, %.1f)  %4d  %.3f  %.3f\n", bin.lower,
                  bin.lower + 1.0 / kBins, bin.count, bin.mean_probability, bin.true_fraction);
    text += line;
  }
  return text;
}

std::string ReliabilitySvg(const std::vector<ReliabilityBin>& bins, const std::string& title) {
  const double left = 70, top = 50, size = 400, width = left + size + 40, height = top + size + 60;
  const auto x = [&](double p) { return left + p * size; };
  const auto y = [&](double p) { return top + (1 - p) * size; };
  int most = 1;
  for (const ReliabilityBin& bin : bins) most = std::max(most, bin.count);
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << height << "\" font-family=\"sans-serif\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      << "<text x=\"" << left << "\" y=\"28\" font-size=\"15\">" << EscapeXml(title)
      << "</text>\n";
  for (int i = 0; i <= kBins; ++i) {
    const double p = i / double(kBins);
    svg << "<line x1=\"" << x(p) << "\" y1=\"" << y(0) << "\" x2=\"" << x(p) << "\" y2=\""
        << y(1) << "\" stroke=\"#e5e5e5\"/>\n"
        << "<line x1=\"" << x(0) << "\" y1=\"" << y(p) << "\" x2=\"" << x(1) << "\" y2=\""
        << y(p) << "\" stroke=\"#e5e5e5\"/>\n";
    if (i % 2 == 0) {
      svg << "<text x=\"" << x(p) << "\" y=\"" << y(0) + 18 << "\" font-size=\"11\" "
          << "text-anchor=\"middle\">" << p << "</text>\n"
          << "<text x=\"" << x(0) - 8 << "\" y=\"" << y(p) + 4 << "\" font-size=\"11\" "
          << "text-anchor=\"end\">" << p << "</text>\n";
    }
  }
  svg << "<rect x=\"" << x(0) << "\" y=\"" << y(1) << "\" width=\"" << size << "\" height=\""
      << size << "\" fill=\"none\" stroke=\"#333\"/>\n"
      << "<line x1=\"" << x(0) << "\" y1=\"" << y(0) << "\" x2=\"" << x(1) << "\" y2=\"" << y(1)
      << "\" stroke=\"#999\" stroke-dasharray=\"5,4\"/>\n"
      << "<text x=\"" << x(0.5) << "\" y=\"" << y(0) + 40 << "\" font-size=\"12\" "
      << "text-anchor=\"middle\">mean score of the bin</text>\n"
      << "<text transform=\"translate(" << left - 45 << "," << y(0.5) << ") rotate(-90)\" "
      << "font-size=\"12\" text-anchor=\"middle\">share that hit a lesion</text>\n";
  for (const ReliabilityBin& bin : bins) {
    if (bin.count == 0) continue;
    const double radius = 3 + 9 * std::sqrt(bin.count / double(most));
    svg << "<circle class=\"bin\" cx=\"" << x(bin.mean_probability) << "\" cy=\""
        << y(bin.true_fraction) << "\" r=\"" << radius << "\" fill=\"#1f77b4\" "
        << "fill-opacity=\"0.7\"><title>" << bin.count << " findings, mean "
        << bin.mean_probability << ", true " << bin.true_fraction << "</title></circle>\n"
        << "<text x=\"" << x(bin.mean_probability) + radius + 3 << "\" y=\""
        << y(bin.true_fraction) + 4 << "\" font-size=\"10\" fill=\"#555\">" << bin.count
        << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace mammocad

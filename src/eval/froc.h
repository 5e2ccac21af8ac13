// Free-response ROC (FROC) curves: sensitivity against false positives per image as the score
// threshold is lowered. Used by `mammocad eval` and the quality tests.
//
// Conventions: a finding is kept when its score >= the threshold. Sensitivity counts distinct
// lesions hit by at least one kept finding (several findings on one lesion count once and are
// not false positives); every kept finding that hits no lesion is a false positive. False
// positives are divided by ALL images evaluated, normal ones included.
//
// Thread-safety: pure functions on values.
#ifndef MAMMOCAD_FROC_H_
#define MAMMOCAD_FROC_H_

#include <string>
#include <vector>


namespace mammocad {

// One finding of an evaluation run: its score and which lesion it hits (-1: false positive).
struct ScoredFinding {
  double score = 0.0;
  int lesion = -1;
};

struct OperatingPoint {
  double threshold = 0.0;       // findings scoring >= threshold are kept
  double sensitivity = 0.0;     // lesions hit by a kept finding / lesions
  double fp_per_image = 0.0;    // kept findings hitting no lesion / images
};

struct FrocCurve {
  int lesions = 0;
  int images = 0;
  // One point per distinct finding score, thresholds descending (so FP/image and sensitivity
  // ascending), preceded by the "keep nothing" point (threshold above every score, 0, 0).
  std::vector<OperatingPoint> points;
};

// The curve of `findings` (lesion indices in [0, lesions), or -1 for a false positive).
FrocCurve ComputeFroc(std::vector<ScoredFinding> findings, int lesions, int images);

// The most sensitive point of the curve with FP/image <= max_fp_per_image (of equally
// sensitive points, the one with fewest false positives). Never extrapolates: if the curve
// ends (all findings kept) below the budget, its last point is the answer.
OperatingPoint PointAtFpRate(const FrocCurve& curve, double max_fp_per_image);

// The FP/image rates reported by `mammocad eval` and docs/detection-quality.md.
inline const std::vector<double>& ReportedFpRates() {
  static const std::vector<double> rates = {0.25, 0.5, 1.0, 2.0};
  return rates;
}

// "threshold,fp_per_image,sensitivity" header then one row per point.
std::string FrocCsv(const FrocCurve& curve);

struct FrocPlotSeries {
  std::string label;  // legend text, e.g. "clusters (mini-MIAS dev)"
  FrocCurve curve;
};

// A self-contained SVG plot: axes with ticks and labels, a grid, each series as a step line,
// and the operating points at ReportedFpRates() marked and labelled with their sensitivity.
std::string FrocSvg(const std::vector<FrocPlotSeries>& series, const std::string& title);

// `text` with XML's special characters escaped, for the plots' titles and labels.
std::string EscapeXml(const std::string& text);

}  // namespace mammocad

#endif  // MAMMOCAD_FROC_H_

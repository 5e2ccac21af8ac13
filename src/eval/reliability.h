// Reliability of probabilities (is a score of 0.8 right four times in five?): the table that
// `eval --reliability` and `calibrate-clusters` print, and its diagram (reliability.svg).
// Pure functions on values; thread-compatible.
#ifndef MAMMOCAD_EVAL_RELIABILITY_H_
#define MAMMOCAD_EVAL_RELIABILITY_H_

#include <string>
#include <vector>

namespace mammocad {

// One tenth of the probability range, [lower, lower + 0.1) (the last bin includes 1).
struct ReliabilityBin {
  double lower = 0.0;
  int count = 0;                // predictions in the bin
  double mean_probability = 0;  // their mean (0 when empty)
  double true_fraction = 0;     // share of them whose label is 1 (0 when empty)
};

// Ten bins over `probabilities` (each clamped to [0, 1]) and their 0/1 `labels` (same size).
std::vector<ReliabilityBin> ReliabilityBins(const std::vector<double>& probabilities,
                                            const std::vector<int>& labels);

// The table as printed: a header line and one line per non-empty bin.
std::string ReliabilityTable(const std::vector<ReliabilityBin>& bins);

// A reliability diagram: true fraction against mean probability per non-empty bin (a dot sized
// by its count, with the count written beside it) and the diagonal of perfect calibration.
std::string ReliabilitySvg(const std::vector<ReliabilityBin>& bins, const std::string& title);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_RELIABILITY_H_

#include "eval/reliability.h"

#include <gtest/gtest.h>

#include <string>

namespace mammocad {
namespace {

int Occurrences(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(ReliabilityBins, CountMeanAndTrueFractionPerTenth) {
  const std::vector<ReliabilityBin> bins =
      ReliabilityBins({0.05, 0.02, 0.85, 0.95, 0.91, 1.0, 1.7}, {0, 1, 1, 1, 0, 1, 1});
  ASSERT_EQ(bins.size(), 10u);
  EXPECT_EQ(bins[0].count, 2);
  EXPECT_DOUBLE_EQ(bins[0].mean_probability, 0.035);
  EXPECT_DOUBLE_EQ(bins[0].true_fraction, 0.5);
  EXPECT_EQ(bins[8].count, 1);
  EXPECT_DOUBLE_EQ(bins[8].true_fraction, 1.0);
  // 1.0 belongs to the last bin, and 1.7 is clamped into it.
  EXPECT_EQ(bins[9].count, 4);
  EXPECT_DOUBLE_EQ(bins[9].mean_probability, (0.95 + 0.91 + 1.0 + 1.0) / 4);
  EXPECT_DOUBLE_EQ(bins[9].true_fraction, 0.75);
  EXPECT_EQ(bins[4].count, 0);
  EXPECT_DOUBLE_EQ(bins[4].lower, 0.4);
}

TEST(ReliabilityTable, OneLinePerNonEmptyBin) {
  const std::string table = ReliabilityTable(ReliabilityBins({0.05, 0.95}, {0, 1}));
  EXPECT_EQ(Occurrences(table, "\n"), 3);
  EXPECT_NE(table.find("[0.0, 0.1)     1  0.050  0.000"), std::string::npos) << table;
  EXPECT_NE(table.find("[0.9, 1.0)     1  0.950  1.000"), std::string::npos) << table;
}

TEST(ReliabilitySvg, OneDotPerNonEmptyBinAndTheDiagonal) {
  const std::string svg = ReliabilitySvg(ReliabilityBins({0.05, 0.5, 0.52, 0.95}, {0, 1, 0, 1}),
                                         "clusters <unseen>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(Occurrences(svg, "class=\"bin\""), 3);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);  // perfect calibration
  EXPECT_NE(svg.find("clusters &lt;unseen&gt;"), std::string::npos);  // title escaped
  EXPECT_NE(svg.find("2 findings, mean 0.51, true 0.5"), std::string::npos) << svg;
}

}  // namespace
}  // namespace mammocad

#include "batch/csv_rows.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mammocad {
namespace {

// Fields of one CSV line (RFC 4180, as CsvField writes them).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\n') {
      fields.back() += c;
    }
  }
  return fields;
}

TEST(CsvRows, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("plain/path.dcm"), "plain/path.dcm");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("=cmd()"), "\"'=cmd()\"");  // never run as a spreadsheet formula
}

TEST(CsvRows, ErrorRowHasEveryColumnAndTheErrorsName) {
  const std::string header = CsvHeader();
  const std::string row =
      CsvErrorRow("dir/bad, file.png", Status(ErrorCode::kCorruptImage, "PNG: \"truncated\""));
  ASSERT_EQ(row.back(), '\n');
  const std::vector<std::string> names = SplitCsv(header);
  const std::vector<std::string> fields = SplitCsv(row);
  ASSERT_EQ(fields.size(), names.size());
  const auto at = [&](const std::string& name) {
    return fields[std::find(names.begin(), names.end(), name) - names.begin()];
  };
  EXPECT_EQ(at("path"), "dir/bad, file.png");
  EXPECT_EQ(at("state"), std::to_string(StateNumber(ErrorCode::kCorruptImage)));
  EXPECT_EQ(at("error_name"), "corrupt_image");
  EXPECT_EQ(at("error_message"), "PNG: \"truncated\"");
}

TEST(CsvRows, ResultRowHasEveryColumn) {
  ImageAnalysis analysis;
  analysis.image.pixels = cv::Mat(20, 10, CV_8UC1);
  analysis.image.laterality = "L";
  analysis.image.view = "MLO";
  analysis.image.sop_instance_uid = "1.2.3";
  analysis.detection.spacing_mm = 0.07;
  analysis.detection.spacing_source = SpacingSource::kImagerPixelSpacing;
  Finding finding;
  finding.score = 0.875;
  finding.box = cv::Rect(1, 2, 3, 4);
  analysis.detection.findings = {finding};
  const std::vector<std::string> names = SplitCsv(CsvHeader());
  const std::vector<std::string> fields = SplitCsv(CsvResultRow("a.dcm", analysis));
  ASSERT_EQ(fields.size(), names.size());
  const auto at = [&](const std::string& name) {
    return fields[std::find(names.begin(), names.end(), name) - names.begin()];
  };
  EXPECT_EQ(at("state"), "0");
  EXPECT_EQ(at("sop_instance_uid"), "1.2.3");
  EXPECT_EQ(at("laterality"), "L");
  EXPECT_EQ(at("view"), "MLO");
  EXPECT_EQ(at("width"), "10");
  EXPECT_EQ(at("height"), "20");
  EXPECT_EQ(at("pixel_spacing_mm"), "0.07");
  EXPECT_EQ(at("pixel_spacing_source"), "imager_pixel_spacing");
  EXPECT_EQ(at("pixel_spacing_guessed"), "false");
  EXPECT_EQ(at("findings"), "1");
  EXPECT_EQ(at("top_score"), "0.8750");
  EXPECT_EQ(at("findings_boxes"), "[[0.875,1,2,3,4]]");
}

}  // namespace
}  // namespace mammocad

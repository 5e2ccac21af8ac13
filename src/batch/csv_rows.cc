#include "batch/csv_rows.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "service/replies.h"

namespace mammocad {
namespace {

constexpr const char* kColumns[] = {
    "path",         "state",           "error_name",           "error_message",
    "sop_instance_uid", "study_instance_uid", "laterality",      "view",
    "width",        "height",          "pixel_spacing_mm",     "pixel_spacing_source",
    "pixel_spacing_guessed", "lossy",  "findings",             "top_score",
    "findings_boxes"};
constexpr std::size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);

std::string Line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvField(fields[i]);
  }
  return line + '\n';
}

std::string Number(double value, const char* format) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

}  // namespace

std::string CsvField(std::string_view field) {
  const bool formula = !field.empty() && (field[0] == '=' || field[0] == '+' ||
                                          field[0] == '-' || field[0] == '@');
  if (!formula && field.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(field);
  }
  std::string quoted = "\"";
  if (formula) quoted += '\'';  // shown as text, never evaluated
  for (const char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string CsvHeader() {
  return Line(std::vector<std::string>(std::begin(kColumns), std::end(kColumns)));
}

std::string CsvResultRow(const std::string& path, const ImageAnalysis& analysis) {
  const Image& image = analysis.image;
  const DetectionResult& detection = analysis.detection;
  double top_score = 0.0;
  for (const Finding& finding : detection.findings) top_score = std::max(top_score, finding.score);
  std::vector<std::string> fields = {
      path,
      "0",
      "",
      "",
      image.sop_instance_uid,
      image.study_instance_uid,
      image.laterality,
      image.view,
      std::to_string(image.pixels.cols),
      std::to_string(image.pixels.rows),
      Number(detection.spacing_mm, "%.6g"),
      std::string(SpacingSourceName(detection.spacing_source)),
      IsGuessedSpacing(detection.spacing_source) ? "true" : "false",
      image.lossy ? "true" : "false",
      std::to_string(detection.findings.size()),
      detection.findings.empty() ? "" : Number(top_score, "%.4f"),
      LegacyFindingsText(detection)};
  return Line(fields);
}

std::string CsvErrorRow(const std::string& path, const Status& status) {
  std::vector<std::string> fields(kColumnCount);
  fields[0] = path;
  fields[1] = std::to_string(StateNumber(status.code()));
  fields[2] = std::string(ErrorName(status.code()));
  fields[3] = status.message();
  return Line(fields);
}

}  // namespace mammocad

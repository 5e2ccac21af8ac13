#include "service/analysis.h"

#include <chrono>
#include <cmath>
#include <cstdlib>

namespace mammocad {
namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Parses the whole string as a finite number; no trailing garbage.
bool ParseNumber(const std::string& text, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(*value);
}

}  // namespace

Status ParseDetectOptions(
    const std::function<std::optional<std::string>(const std::string&)>& lookup,
    const DetectorParams& params, DetectOptions* options) {
  *options = DetectOptions();
  if (auto text = lookup("min_score"); text && !text->empty()) {
    double value;
    if (!ParseNumber(*text, &value) || value < 0 || value > 1) {
      return Status(ErrorCode::kBadParameter,
                    "min_score must be a number from 0 to 1, got '" + text->substr(0, 40) + "'");
    }
    options->min_score = value;
  }
  if (auto text = lookup("pixel_spacing"); text && !text->empty()) {
    double value;
    if (!ParseNumber(*text, &value) || value < params.min_spacing_mm ||
        value > params.max_spacing_mm) {
      return Status(ErrorCode::kBadParameter,
                    "pixel_spacing must be the mm per pixel, from " +
                        std::to_string(params.min_spacing_mm).substr(0, 4) + " to " +
                        std::to_string(params.max_spacing_mm).substr(0, 4) + ", got '" +
                        text->substr(0, 40) + "'");
    }
    options->spacing_override_mm = value;
  }
  if (auto text = lookup("level"); text && !text->empty()) {
    if (*text == "cluster") {
      options->level = FindingLevel::kCluster;
    } else if (*text == "calcification") {
      options->level = FindingLevel::kCalcification;
    } else {
      return Status(ErrorCode::kBadParameter,
                    "level must be 'cluster' or 'calcification', got '" + text->substr(0, 40) +
                        "'");
    }
  }
  return Status::Ok();
}

Status Analyzer::Analyze(const std::vector<UploadedFile>& files, const DetectOptions& options,
                         AnalysisResponse* response) const {
  auto start = std::chrono::steady_clock::now();
  *response = AnalysisResponse();
  if (files.empty()) {
    return Status(ErrorCode::kNoImages,
                  "no image received: send one or more files in the multipart field 'images'");
  }
  response->images.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    const UploadedFile& file = files[i];
    ImageAnalysis analysis;
    analysis.name = file.name;
    auto decode_start = std::chrono::steady_clock::now();
    Status status = DecodeImage(file.bytes, limits_, &analysis.image);
    analysis.decode_ms = MillisecondsSince(decode_start);
    if (status.ok()) status = detector_.Detect(analysis.image, options, &analysis.detection);
    if (!status.ok()) {
      std::string where = "image " + std::to_string(i + 1) + " ('" + file.name.substr(0, 100) + "')";
      return Status(status.code(), where + ": " + status.message());
    }
    response->images.push_back(std::move(analysis));
  }
  response->total_ms = MillisecondsSince(start);
  return Status::Ok();
}

}  // namespace mammocad

#include "service/tasks/breast_calcify/breast_calcify.h"

#include <cmath>
#include <cstdlib>

namespace mammocad {
namespace {

// Parses the whole string as a finite number; no trailing garbage.
bool ParseNumber(const std::string& text, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(*value);
}

Status ParseMinScore(const std::string& text, const DetectorParams&, DetectOptions* options) {
  double value;
  if (!ParseNumber(text, &value) || value < 0 || value > 1) {
    return Status(ErrorCode::kBadParameter,
                  "min_score must be a number from 0 to 1, got '" + text.substr(0, 40) + "'");
  }
  options->min_score = value;
  return Status::Ok();
}

Status ParsePixelSpacing(const std::string& text, const DetectorParams& params,
                         DetectOptions* options) {
  double value;
  if (!ParseNumber(text, &value) || value < params.min_spacing_mm ||
      value > params.max_spacing_mm) {
    return Status(ErrorCode::kBadParameter,
                  "pixel_spacing must be the mm per pixel, from " +
                      std::to_string(params.min_spacing_mm).substr(0, 4) + " to " +
                      std::to_string(params.max_spacing_mm).substr(0, 4) + ", got '" +
                      text.substr(0, 40) + "'");
  }
  options->spacing_override_mm = value;
  return Status::Ok();
}

Status ParseLevel(const std::string& text, const DetectorParams&, DetectOptions* options) {
  if (text == "cluster") {
    options->level = FindingLevel::kCluster;
  } else if (text == "calcification") {
    options->level = FindingLevel::kCalcification;
  } else {
    return Status(ErrorCode::kBadParameter,
                  "level must be 'cluster' or 'calcification', got '" + text.substr(0, 40) + "'");
  }
  return Status::Ok();
}

}  // namespace

const std::vector<TaskOption>& BreastCalcifyTask::Options() {
  // Table order is parse order: with several bad values, the first here is reported.
  static const std::vector<TaskOption> table = {
      {"min_score", "drop findings scoring below this", TaskOption::Kind::kNumber, ParseMinScore},
      {"pixel_spacing", "mm per pixel, overrides the file", TaskOption::Kind::kNumber,
       ParsePixelSpacing},
      {"level", "cluster (default) or calcification", TaskOption::Kind::kText, ParseLevel},
  };
  return table;
}

Status BreastCalcifyTask::Make(const TaskSettings& settings,
                               std::unique_ptr<const DetectionTask>* task) {
  std::unique_ptr<Detector> detector;
  if (Status status = MakeDetector(settings.scorer, &detector); !status.ok()) return status;
  *task = std::make_unique<BreastCalcifyTask>(std::move(detector));
  return Status::Ok();
}

BreastCalcifyTask::BreastCalcifyTask(std::unique_ptr<const Detector> detector)
    : detector_(std::move(detector)) {}

Status BreastCalcifyTask::ParseOptions(const OptionLookup& lookup, DetectOptions* options) const {
  return ParseTaskOptions(Options(), lookup, detector_->params(), options);
}

Status BreastCalcifyTask::Run(const Image& image, const DetectOptions& options,
                              DetectionResult* result) const {
  return detector_->Detect(image, options, result);
}

}  // namespace mammocad

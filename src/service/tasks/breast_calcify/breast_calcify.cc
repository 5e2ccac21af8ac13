#include "service/tasks/breast_calcify/breast_calcify.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

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

// The detector refuses spacings outside its range; a setting is checked against the same one.
bool SpacingInRange(double value, const DetectorParams& params) {
  return value >= params.min_spacing_mm && value <= params.max_spacing_mm;
}

// The refusal of a spacing `text` given for `field` (the request's or the server's).
Status SpacingOutOfRange(const std::string& field, const std::string& text,
                         const DetectorParams& params) {
  return Status(ErrorCode::kBadParameter,
                field + " must be the mm per pixel, from " +
                    std::to_string(params.min_spacing_mm).substr(0, 4) + " to " +
                    std::to_string(params.max_spacing_mm).substr(0, 4) + ", got '" +
                    text.substr(0, 40) + "'");
}

Status ParsePixelSpacing(const std::string& text, const DetectorParams& params,
                         DetectOptions* options) {
  double value;
  if (!ParseNumber(text, &value) || !SpacingInRange(value, params)) {
    return SpacingOutOfRange("pixel_spacing", text, params);
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
  const double default_spacing = settings.default_spacing_mm.value_or(0.0);
  if (settings.default_spacing_mm && !SpacingInRange(default_spacing, detector->params())) {
    std::ostringstream text;
    text << default_spacing;
    return SpacingOutOfRange("default-pixel-spacing", text.str(), detector->params());
  }
  *task = std::make_unique<BreastCalcifyTask>(std::move(detector), default_spacing);
  return Status::Ok();
}

BreastCalcifyTask::BreastCalcifyTask(std::unique_ptr<const Detector> detector,
                                     double default_spacing_mm)
    : detector_(std::move(detector)), default_spacing_mm_(default_spacing_mm) {}

Status BreastCalcifyTask::ParseOptions(const OptionLookup& lookup, DetectOptions* options) const {
  Status status = ParseTaskOptions(Options(), lookup, detector_->params(), options);
  // Not a form value: the server's setting, the same for every request.
  options->default_spacing_mm = default_spacing_mm_;
  return status;
}

Status BreastCalcifyTask::Run(const Image& image, const DetectOptions& options,
                              DetectionResult* result) const {
  return detector_->Detect(image, options, result);
}

}  // namespace mammocad

#include "service/tasks/breast_calcify/breast_calcify.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

const char* const kOperatingPoint = "operating_point";

// Not a point of any scorer: every finding, whatever the server's default point. Lets a client
// of a server started with a default point still ask for all findings.
const NamedOperatingPoint kAllFindings{"all", 0.0, 0.0, 0.0, ""};

Status ParseMinScore(const std::string& text, const Detector&, DetectOptions* options) {
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

Status ParsePixelSpacing(const std::string& text, const Detector& detector,
                         DetectOptions* options) {
  const DetectorParams& params = detector.params();
  double value;
  if (!ParseNumber(text, &value) || !SpacingInRange(value, params)) {
    return SpacingOutOfRange("pixel_spacing", text, params);
  }
  options->spacing_override_mm = value;
  return Status::Ok();
}

Status ParseLevel(const std::string& text, const Detector&, DetectOptions* options) {
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

// The point `name` of `scorer`. Errors: kBadParameter naming the scorer's points.
Status FindOperatingPoint(const std::string& name, const CandidateScorer& scorer,
                          const NamedOperatingPoint** point) {
  if (name == kAllFindings.name) {
    *point = &kAllFindings;
    return Status::Ok();
  }
  std::string known;
  for (const NamedOperatingPoint& p : scorer.OperatingPoints()) {
    if (p.name == name) {
      *point = &p;
      return Status::Ok();
    }
    char threshold[32];
    std::snprintf(threshold, sizeof threshold, " (min_score %.10g)", p.min_score);
    known += (known.empty() ? "" : ", ") + p.name + threshold;
  }
  const std::string got = ", got '" + name.substr(0, 40) + "'";
  const std::string scorer_name(scorer.name());
  if (known.empty()) {
    return Status(ErrorCode::kBadParameter, std::string(kOperatingPoint) + ": the " +
                                                scorer_name + " scorer has no operating points (only " +
                                                kAllFindings.name + ")" + got);
  }
  return Status(ErrorCode::kBadParameter, std::string(kOperatingPoint) + " must be one of the " +
                                              scorer_name + " scorer's " + known + ", or " +
                                              kAllFindings.name + " (every finding)" + got);
}

// Parsed after `level`: the points are thresholds on cluster scores, so calcification
// findings are not filtered by them (min_score still applies).
Status ParseOperatingPoint(const std::string& text, const Detector& detector,
                           DetectOptions* options) {
  const NamedOperatingPoint* point = nullptr;
  if (Status s = FindOperatingPoint(text, detector.scorer(), &point); !s.ok()) return s;
  // With min_score as well both filters hold: the higher threshold wins (docs/api.md).
  if (options->level == FindingLevel::kCluster) {
    options->min_score = std::max(options->min_score, point->min_score);
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
      {kOperatingPoint,
       "a named cluster-score threshold of the scorer (high_specificity, balanced, "
       "high_sensitivity): drop clusters below it; all: keep every finding",
       TaskOption::Kind::kText, ParseOperatingPoint},
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
  if (!settings.operating_point.empty()) {
    const NamedOperatingPoint* point = nullptr;
    Status status = FindOperatingPoint(settings.operating_point, detector->scorer(), &point);
    if (!status.ok()) return status;
  }
  *task = std::make_unique<BreastCalcifyTask>(std::move(detector), default_spacing,
                                              settings.operating_point);
  return Status::Ok();
}

BreastCalcifyTask::BreastCalcifyTask(std::unique_ptr<const Detector> detector,
                                     double default_spacing_mm,
                                     std::string default_operating_point)
    : detector_(std::move(detector)),
      default_spacing_mm_(default_spacing_mm),
      default_operating_point_(std::move(default_operating_point)) {}

Status BreastCalcifyTask::ParseOptions(const OptionLookup& lookup, DetectOptions* options) const {
  // The server's point stands in for a request that names none, as if the request had sent it.
  const OptionLookup with_default = [&](const std::string& name) -> std::optional<std::string> {
    std::optional<std::string> value = lookup(name);
    if (name == kOperatingPoint && (!value || value->empty()) &&
        !default_operating_point_.empty()) {
      return default_operating_point_;
    }
    return value;
  };
  Status status = ParseTaskOptions(Options(), with_default, *detector_, options);
  // Not a form value: the server's setting, the same for every request.
  options->default_spacing_mm = default_spacing_mm_;
  return status;
}

Status BreastCalcifyTask::Run(const Image& image, const DetectOptions& options,
                              DetectionResult* result) const {
  return detector_->Detect(image, options, result);
}

}  // namespace mammocad

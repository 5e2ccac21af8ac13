#include "detector/param_overrides.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mammocad {
namespace {

const ParamInfo* FindParam(const std::string& name) {
  for (const ParamInfo& p : DetectorParamTable()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

std::vector<std::string> OverridableParamNames() {
  std::vector<std::string> names;
  for (const ParamInfo& p : DetectorParamTable()) names.emplace_back(p.name);
  return names;
}

Status ApplyParamOverride(const std::string& assignment, DetectorParams* params) {
  const size_t equals = assignment.find('=');
  const ParamInfo* param =
      equals == std::string::npos ? nullptr : FindParam(assignment.substr(0, equals));
  if (!param) {
    return Status(ErrorCode::kBadParameter, "not an overridable parameter: '" + assignment + "'");
  }
  const std::string text = assignment.substr(equals + 1);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
    return Status(ErrorCode::kBadParameter, "not a number in '" + assignment + "'");
  }
  if (value < param->min_value || value > param->max_value) {
    return Status(ErrorCode::kBadParameter,
                  std::string(param->name) + " must lie in [" + Number(param->min_value) + ", " +
                      Number(param->max_value) + "], got " + text);
  }
  param->set(params, value);
  return Status::Ok();
}

std::string ParamReferenceMarkdown() {
  std::string md =
      "# Detector parameters\n\n"
      "Generated from the parameter table in `include/mammocad/detector_params.h` by\n"
      "`mammocad params`; a unit test keeps this file equal to it. Each can be set for an\n"
      "experiment with `mammocad eval --param NAME=VALUE` (within its range). A learned model\n"
      "records the mask, enhancement, candidate and cluster settings it was fitted under and\n"
      "refuses a detector whose settings differ.\n";
  ParamStage stage = ParamStage::kScale;
  bool first = true;
  for (const ParamInfo& p : DetectorParamTable()) {
    if (first || p.stage != stage) {
      stage = p.stage;
      md += "\n## " + std::string(ParamStageName(stage)) + "\n\n" +
            "| name | default | range | meaning |\n|---|---|---|---|\n";
      first = false;
    }
    md += "| `" + std::string(p.name) + "` | " + Number(p.default_value) + " | " +
          Number(p.min_value) + " – " + Number(p.max_value) + (p.is_integer ? " (integer)" : "") +
          " | " + std::string(p.doc) + " |\n";
  }
  return md;
}

}  // namespace mammocad

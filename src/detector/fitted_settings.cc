#include "detector/fitted_settings.h"

#include <cstdio>

namespace mammocad {

DetectorParams ApplyFittedSettings(const DetectorParams& fitted, DetectorParams base) {
  for (const ParamInfo& p : DetectorParamTable()) {
    if (IsFittedStage(p.stage)) p.set(&base, p.get(fitted));
  }
  return base;
}

Status CheckFittedSettings(const DetectorParams& fitted, const DetectorParams& params,
                           const std::string& model_version) {
  for (const ParamInfo& p : DetectorParamTable()) {
    if (!IsFittedStage(p.stage) || p.get(params) == p.get(fitted)) continue;
    char values[96];
    std::snprintf(values, sizeof values, " %.17g, the detector %.17g", p.get(fitted),
                  p.get(params));
    return Status(ErrorCode::kBadParameter,
                  "the model " + model_version + " was fitted with " + std::string(p.name) +
                      values +
                      ": it knows only the candidates and clusters of its own settings "
                      "(retrain it to change them)");
  }
  return Status::Ok();
}

void WriteFittedSettings(const DetectorParams& fitted, cv::FileStorage& fs) {
  fs << "fitted_params" << "{";
  for (const ParamInfo& p : DetectorParamTable()) {
    if (!IsFittedStage(p.stage)) continue;
    if (p.is_integer) {
      fs << std::string(p.name) << static_cast<int>(p.get(fitted));
    } else {
      fs << std::string(p.name) << p.get(fitted);
    }
  }
  fs << "}";
}

Status ReadFittedSettings(const cv::FileNode& node, const std::string& path,
                          DetectorParams* fitted) {
  for (const ParamInfo& p : DetectorParamTable()) {
    if (!IsFittedStage(p.stage)) continue;
    const cv::FileNode value = node[std::string(p.name)];
    if (value.empty() || (!value.isReal() && !value.isInt())) {
      return Status(ErrorCode::kBadParameter,
                    path + " lacks the setting " + std::string(p.name) +
                        " it was fitted under: retrain the model with this build");
    }
    p.set(fitted, static_cast<double>(value));
  }
  return Status::Ok();
}

}  // namespace mammocad

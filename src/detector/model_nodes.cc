#include "detector/model_nodes.h"

#include <cstdio>
#include <filesystem>
#include <set>

namespace mammocad {
namespace {

bool IsNumber(const cv::FileNode& node) { return node.isReal() || node.isInt(); }

}  // namespace


Status OpenModelFile(const std::string& path, const std::string& kind, const std::string& what,
                     int format, cv::FileStorage* fs) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status(ErrorCode::kIoError, "model file " + path + " not found");
  }
  try {
    if (!fs->open(path, cv::FileStorage::READ)) {
      return Status(ErrorCode::kIoError, "cannot read model " + path);
    }
  } catch (const cv::Exception&) {
    return Status(ErrorCode::kBadParameter, path + " is not a readable YAML model file");
  }
  if (static_cast<std::string>((*fs)["kind"]) != kind) {
    return Status(ErrorCode::kBadParameter, path + " is not a mammocad " + what);
  }
  if (static_cast<int>((*fs)["format"]) != format) {
    return Status(ErrorCode::kBadParameter,
                  path + " has model format " + std::to_string(static_cast<int>((*fs)["format"])) +
                      ", this build reads " + std::to_string(format));
  }
  return Status::Ok();
}

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

void WriteOperatingPoints(const std::vector<NamedOperatingPoint>& points, cv::FileStorage& fs) {
  fs << "operating_points" << "[";
  for (const NamedOperatingPoint& p : points) {
    fs << "{" << "name" << p.name << "min_score" << p.min_score << "sensitivity" << p.sensitivity
       << "fp_per_image" << p.fp_per_image << "measured_on" << p.measured_on << "}";
  }
  fs << "]";
}

// The optional node: absent in models saved before operating points existed (and in freshly
// trained ones), which then have none.
Status ReadOperatingPoints(const cv::FileNode& node, const std::string& path,
                           std::vector<NamedOperatingPoint>* points) {
  points->clear();
  if (node.empty()) return Status::Ok();
  if (!node.isSeq()) {
    return Status(ErrorCode::kBadParameter, path + ": operating_points must be a list");
  }
  std::set<std::string> names;
  for (const cv::FileNode& n : node) {
    NamedOperatingPoint p;
    const bool complete = n.isMap() && n["name"].isString() && IsNumber(n["min_score"]) &&
                          IsNumber(n["sensitivity"]) && IsNumber(n["fp_per_image"]);
    if (complete) {
      p.name = static_cast<std::string>(n["name"]);
      p.min_score = static_cast<double>(n["min_score"]);
      p.sensitivity = static_cast<double>(n["sensitivity"]);
      p.fp_per_image = static_cast<double>(n["fp_per_image"]);
      p.measured_on = static_cast<std::string>(n["measured_on"]);
    }
    if (!complete || p.name.empty() || !names.insert(p.name).second || !(p.min_score >= 0) ||
        !(p.min_score <= 1) || !(p.sensitivity >= 0) || !(p.sensitivity <= 1) ||
        !(p.fp_per_image >= 0)) {
      return Status(ErrorCode::kBadParameter,
                    path + ": operating point " + std::to_string(points->size() + 1) +
                        " needs a new name, min_score and sensitivity in [0, 1] and "
                        "fp_per_image >= 0");
    }
    points->push_back(std::move(p));
  }
  return Status::Ok();
}

std::string OperatingPointsYaml(const std::vector<NamedOperatingPoint>& points) {
  cv::FileStorage fs(".yml", cv::FileStorage::WRITE | cv::FileStorage::MEMORY);
  WriteOperatingPoints(points, fs);
  const std::string text = fs.releaseAndGetString();
  // Without the document header, so that it pastes into a model file as it stands.
  const size_t start = text.find("operating_points:");
  return start == std::string::npos ? text : text.substr(start);
}

}  // namespace mammocad

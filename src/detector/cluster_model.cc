#include "detector/cluster_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mammocad {
namespace {

// Beyond this the skin is "far": a calcification 2 cm inside is not an edge artefact.
constexpr double kFarFromSkinMm = 20.0;

}  // namespace

const std::vector<std::string_view>& ClusterFeatureNames() {
  static const std::vector<std::string_view> names = {
      "member_logit", "log_members", "spread_mm", "linearity",
      "size_variety", "mean_diameter_mm", "skin_distance_mm", "log_image_candidates_per_cm2"};
  return names;
}

std::vector<double> ClusterFeatureValues(const ClusterEvidence& e) {
  const double p = std::clamp(e.member_based_score, 1e-6, 1 - 1e-6);
  const double skin = e.skin_distance_mm < 0 ? kFarFromSkinMm
                                             : std::min(e.skin_distance_mm, kFarFromSkinMm);
  // Unknown (no breast): as an image without candidates.
  const double density = std::log1p(std::max(0.0, e.image_candidates_per_cm2));
  return {std::log(p / (1 - p)), std::log(std::max(1, e.members)), e.spread_mm, e.linearity,
          e.size_variety, e.mean_diameter_mm, skin, density};
}

double ClusterModel::Apply(const ClusterEvidence& evidence) const {
  return ApplyTo(ClusterFeatureValues(evidence));
}

double ClusterModel::ApplyTo(const std::vector<double>& x) const {
  double z = bias;
  for (size_t i = 0; i < weights.size() && i < x.size(); ++i) {
    z += weights[i] * (x[i] - mean[i]) / scale[i];
  }
  return 1.0 / (1.0 + std::exp(-z));
}

std::string ClusterModelYaml(const ClusterModel& model) {
  const auto list = [](const std::vector<double>& v) {
    std::string text = "[";
    char number[40];
    for (size_t i = 0; i < v.size(); ++i) {
      std::snprintf(number, sizeof number, "%s%.17g", i ? ", " : "", v[i]);
      text += number;
    }
    return text + "]";
  };
  std::string names = "[";
  for (size_t i = 0; i < ClusterFeatureNames().size(); ++i) {
    names += (i ? ", " : "") + std::string(ClusterFeatureNames()[i]);
  }
  names += "]";
  char bias[48];
  std::snprintf(bias, sizeof bias, "%.17g", model.bias);
  return "cluster_model:\n  features: " + names + "\n  mean: " + list(model.mean) +
         "\n  scale: " + list(model.scale) + "\n  weights: " + list(model.weights) +
         "\n  bias: " + bias + "\n";
}

Status ReadClusterModel(const cv::FileNode& node, const std::string& path, ClusterModel* model) {
  *model = ClusterModel();
  if (node.empty()) return Status::Ok();
  const auto bad = [&](const std::string& why) {
    return Status(ErrorCode::kBadParameter, path + ": cluster_model " + why);
  };
  if (!node.isMap()) return bad("is not a map");
  const std::vector<std::string_view>& expected = ClusterFeatureNames();
  const cv::FileNode features = node["features"];
  if (!features.isSeq() || features.size() != expected.size()) {
    return bad("has other features than this build (" + std::to_string(expected.size()) + ")");
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (static_cast<std::string>(features[static_cast<int>(i)]) != expected[i]) {
      return bad("feature " + std::to_string(i) + " is not " + std::string(expected[i]));
    }
  }
  ClusterModel read;
  const auto numbers = [&](const char* key, std::vector<double>* out) {
    const cv::FileNode list = node[key];
    if (!list.isSeq() || list.size() != expected.size()) return false;
    for (const cv::FileNode& v : list) {
      if (!v.isReal() && !v.isInt()) return false;
      out->push_back(static_cast<double>(v));
    }
    return true;
  };
  if (!numbers("mean", &read.mean) || !numbers("scale", &read.scale) ||
      !numbers("weights", &read.weights)) {
    return bad("needs mean, scale and weights with one number per feature");
  }
  for (double s : read.scale) {
    if (!(s > 0) || !std::isfinite(s)) return bad("has a scale that is not positive");
  }
  const cv::FileNode bias = node["bias"];
  if (!bias.isReal() && !bias.isInt()) return bad("has no bias");
  read.bias = static_cast<double>(bias);
  *model = std::move(read);
  return Status::Ok();
}

}  // namespace mammocad

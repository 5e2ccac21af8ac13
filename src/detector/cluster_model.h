// The cluster model (issue 15, item 4): a logistic regression over what the cluster stage
// measured of a cluster (ClusterEvidence: its members' combined score, count, spread, shape,
// size variety, size, distance to the skin), so that a cluster is scored as a cluster and not
// only through its members. Fitted by `mammocad calibrate-clusters --features` (eval's
// FitLogistic), stored in a neural model's manifest (`cluster_model`), applied by
// FittedScorer::ClusterScore in place of the cluster Platt calibration.
//
// Thread-safety: immutable values and pure functions.
#ifndef MAMMOCAD_DETECTOR_CLUSTER_MODEL_H_
#define MAMMOCAD_DETECTOR_CLUSTER_MODEL_H_

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/findings.h"
#include "mammocad/status.h"

namespace mammocad {

// The features, in this order; a model file records the names and is refused if they differ.
const std::vector<std::string_view>& ClusterFeatureNames();
std::vector<double> ClusterFeatureValues(const ClusterEvidence& evidence);

// probability = 1 / (1 + exp(-(bias + sum_i weight_i * (x_i - mean_i) / scale_i))).
struct ClusterModel {
  std::vector<double> mean, scale, weights;  // one per feature; empty: no model
  double bias = 0.0;
  bool empty() const { return weights.empty(); }
  double Apply(const ClusterEvidence& evidence) const;
  double ApplyTo(const std::vector<double>& features) const;  // ClusterFeatureValues' order
};

// The `cluster_model` node of a manifest as YAML text (from "cluster_model:" on, two-space
// indented under it), and read back. Read: an absent node leaves `model` empty (Ok); a node
// with other feature names or lengths, or non-positive scales, is kBadParameter naming `path`.
std::string ClusterModelYaml(const ClusterModel& model);
Status ReadClusterModel(const cv::FileNode& node, const std::string& path, ClusterModel* model);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_CLUSTER_MODEL_H_

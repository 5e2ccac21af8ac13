// What the learned and the neural scorer share: a model fitted on data, with its calibrations
// (candidate and cluster Platt scaling), provenance, the detector settings it was fitted under
// (model_nodes.h) and the operating points measured with it. FittedScorer implements the
// CandidateScorer methods that follow from those; a subclass adds how it scores candidates.
//
// Thread-safety: immutable.
#ifndef MAMMOCAD_DETECTOR_FITTED_SCORER_H_
#define MAMMOCAD_DETECTOR_FITTED_SCORER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "detector/cluster_model.h"
#include "mammocad/candidate_scorer.h"

namespace mammocad {

// Platt scaling: probability = 1 / (1 + exp(-(a * raw + b))). Fitted by FitPlatt (eval).
struct PlattCalibration {
  double a = 1.0;
  double b = 0.0;
  double Apply(double raw) const;
};

// The logit used as the cluster calibration's input (clamped away from 0 and 1).
double ClusterScoreLogit(double score);

// Where a model came from; stored in the model file.
struct ModelProvenance {
  std::string version;        // e.g. "calc-v3"
  std::uint64_t seed = 0;
  int training_images = 0;
  int training_candidates = 0;
  int calibration_candidates = 0;
  std::string description;
};

// Everything a fitted model records besides its classifier.
struct FittedModel {
  PlattCalibration calibration;          // candidate probabilities from the raw output
  PlattCalibration cluster_calibration;  // identity (1, 0) until fitted
  ModelProvenance provenance;
  DetectorParams fitted;  // only the fitted stages (IsFittedStage) are used
  std::vector<NamedOperatingPoint> operating_points;
  ClusterModel cluster_model;  // when not empty, used instead of cluster_calibration
};

class FittedScorer : public CandidateScorer {
 public:
  // The probability that the cluster is a true one: the cluster model's, when the model file
  // has one; else the member-based score recalibrated (Platt on its logit), which is monotone
  // (the ranking unchanged).
  double ClusterScore(const ClusterEvidence& evidence) const override;
  DetectorParams FittedParams(DetectorParams base) const override;
  Status CheckParams(const DetectorParams& params) const override;
  const std::vector<NamedOperatingPoint>& OperatingPoints() const override {
    return model_.operating_points;
  }

  const FittedModel& model() const { return model_; }
  const PlattCalibration& calibration() const { return model_.calibration; }
  const PlattCalibration& cluster_calibration() const { return model_.cluster_calibration; }
  const ModelProvenance& provenance() const { return model_.provenance; }
  const DetectorParams& fitted_params() const { return model_.fitted; }

 protected:
  explicit FittedScorer(FittedModel model) : model_(std::move(model)) {}
  FittedModel model_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_FITTED_SCORER_H_

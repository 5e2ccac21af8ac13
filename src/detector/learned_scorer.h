// The learned candidate scorer: the candidate features (features.h) through a random forest
// (random_forest.h), calibrated by Platt scaling into the probability that a candidate is a
// true calcification; cluster scores recalibrated the same way. Trained by `mammocad train`
// (src/eval/training.h), stored in a model file (model_file.h); docs/learned-scoring.md.
//
// Thread-safety: immutable; every method may be called from many threads at once.
#ifndef MAMMOCAD_DETECTOR_LEARNED_SCORER_H_
#define MAMMOCAD_DETECTOR_LEARNED_SCORER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "detector/random_forest.h"
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

class LearnedScorer final : public CandidateScorer {
 public:
  // `fitted` holds the detector settings the training ran under; only the fitted stages
  // (IsFittedStage) are used. `forest` must not be null. `operating_points`: as measured on
  // this model's cluster scores (none for a freshly trained one).
  LearnedScorer(std::shared_ptr<const RandomForest> forest, PlattCalibration calibration,
                PlattCalibration cluster_calibration, ModelProvenance provenance,
                DetectorParams fitted, std::vector<NamedOperatingPoint> operating_points = {});

  std::string_view name() const override { return "learned"; }
  void Score(const CandidateContext& context,
             std::vector<Calcification>* candidates) const override;
  // The member-based score, recalibrated on simulated clusters (Platt on its logit) into the
  // probability that the cluster is a true one. Monotone: the ranking is unchanged.
  double ClusterScore(double member_based_score) const override;
  DetectorParams FittedParams(DetectorParams base) const override;
  Status CheckParams(const DetectorParams& params) const override;
  const std::vector<NamedOperatingPoint>& OperatingPoints() const override {
    return operating_points_;
  }

  // The forest's raw output (mean tree vote, about [0, 1]) per row of features.
  std::vector<double> RawScores(const std::vector<std::vector<float>>& features) const;
  // Calibrated probabilities that each candidate is a true calcification.
  std::vector<double> Probabilities(const std::vector<std::vector<float>>& features) const;

  // The same model with another cluster calibration (training fits it after the forest); its
  // operating points are dropped, as they were thresholds on the old cluster scores.
  std::shared_ptr<const LearnedScorer> WithClusterCalibration(PlattCalibration calibration) const;

  const RandomForest& forest() const { return *forest_; }
  const PlattCalibration& calibration() const { return calibration_; }
  const PlattCalibration& cluster_calibration() const { return cluster_calibration_; }
  const ModelProvenance& provenance() const { return provenance_; }
  const DetectorParams& fitted_params() const { return fitted_; }

 private:
  std::shared_ptr<const RandomForest> forest_;
  PlattCalibration calibration_;
  PlattCalibration cluster_calibration_;
  ModelProvenance provenance_;
  DetectorParams fitted_;
  std::vector<NamedOperatingPoint> operating_points_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_LEARNED_SCORER_H_

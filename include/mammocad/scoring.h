// Learned candidate scoring: features per candidate calcification and a calibrated classifier
// (OpenCV ml random forest + Platt scaling) trained on simulated data by `mammocad train`
// (docs/learned-scoring.md).
//
// The scorer replaces the hand-made logistic of the contrast (CandidateScore) by the
// probability that a candidate is a true calcification; cluster scores then combine these
// probabilities as before (P(at least cluster_min_members true), clusters.cc).
//
// Thread-safety: a loaded CandidateScorer is immutable; Probabilities() may be called from many
// threads at once (OpenCV's predict is serialised inside).
#ifndef MAMMOCAD_SCORING_H_
#define MAMMOCAD_SCORING_H_

#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/detector.h"
#include "mammocad/detector_params.h"
#include "mammocad/status.h"

namespace cv::ml {
class RTrees;
}

namespace mammocad {

// The features, in order. Their meaning is in scoring.cc and docs/learned-scoring.md; all are
// dimensionless or in mm so that they mean the same at every pixel spacing and scanner.
const std::vector<std::string>& CandidateFeatureNames();

// Features of each candidate (same order). `image`: the analysis image [0, 1] (a region of it
// is fine), `response`: the enhanced image on the same grid, `breast`: the breast mask on that
// grid (non-zero inside; an empty mask means the whole image), `calcs`: candidates on that grid
// (as FindCandidates returns them), spacing of that grid.
std::vector<std::vector<float>> ComputeCandidateFeatures(const cv::Mat1f& image,
                                                         const cv::Mat1f& response,
                                                         const cv::Mat1b& breast,
                                                         const std::vector<Calcification>& calcs,
                                                         double spacing_mm,
                                                         const DetectorParams& params);

class CandidateScorer;

// The detector's hook: with a scorer, each candidate's score becomes the scorer's probability;
// with `features`, the features are returned (same order). Candidates keep their order.
void ApplyCandidateScorer(const CandidateScorer* scorer, const cv::Mat1f& image,
                          const cv::Mat1f& response, const cv::Mat1b& breast, double spacing_mm,
                          const DetectorParams& params, std::vector<Calcification>* calcs,
                          std::vector<std::vector<float>>* features);

// Platt scaling: probability = 1 / (1 + exp(-(a * raw + b))).
struct PlattCalibration {
  double a = 1.0;
  double b = 0.0;
  double Apply(double raw) const;
};

// Fits a and b by minimising the log-loss of (raw, label) pairs (Newton's method with the
// usual target smoothing of Platt 1999). `labels` are 0/1.
PlattCalibration FitPlatt(const std::vector<double>& raw, const std::vector<int>& labels);

// Where a model came from; stored in the model file.
struct ModelProvenance {
  std::string version;        // e.g. "calc-v3"
  std::uint64_t seed = 0;
  int training_images = 0;
  int training_candidates = 0;
  int calibration_candidates = 0;
  std::string description;
  // The candidate stage the model was trained behind; the detector must use the same
  // (ParamsForScorer), since the model only knows candidates that pass these tests.
  double candidate_threshold_sigma = 4.5;
  double max_lineness = 0.4;
  double background_ratio = 4.0;   // the enhancement band (DetectorParams::background_ratio)
  // Candidates with a lower calibrated probability join no cluster (cluster_min_member_score).
  double min_member_probability = 0.0;
};

class CandidateScorer {
 public:
  // Reads a model file written by Save. Errors: kIoError if missing/unreadable, kBadParameter if
  // it is not a mammocad candidate model, its format version or feature list differ from this
  // build's, or OpenCV cannot read the forest. Messages name the file.
  static Status Load(const std::string& path, std::shared_ptr<const CandidateScorer>* scorer);

  // Trains a regression forest on features/labels (0/1), then fits Platt scaling on the
  // calibration set. Deterministic for `seed`.
  static Status Train(const std::vector<std::vector<float>>& features,
                      const std::vector<int>& labels,
                      const std::vector<std::vector<float>>& calibration_features,
                      const std::vector<int>& calibration_labels, std::uint64_t seed,
                      ModelProvenance provenance, std::shared_ptr<const CandidateScorer>* scorer);

  Status Save(const std::string& path) const;

  // The forest's raw output (mean tree vote, about [0, 1]) per row of features.
  std::vector<double> RawScores(const std::vector<std::vector<float>>& features) const;
  // Calibrated probabilities that each candidate is a true calcification.
  std::vector<double> Probabilities(const std::vector<std::vector<float>>& features) const;

  const ModelProvenance& provenance() const { return provenance_; }
  const PlattCalibration& calibration() const { return calibration_; }

  // Cluster scores: the detector's P(at least cluster_min_members members are true), from the
  // calibrated member probabilities, recalibrated on simulated clusters (Platt on its logit)
  // into the probability that the cluster is a true one. Monotone: the ranking is unchanged.
  double ClusterProbability(double member_based_score) const;
  const PlattCalibration& cluster_calibration() const { return cluster_calibration_; }
  // Training only: sets the cluster calibration of a freshly trained model.
  static std::shared_ptr<const CandidateScorer> WithClusterCalibration(
      const CandidateScorer& model, PlattCalibration cluster_calibration);

  ~CandidateScorer();

 private:
  CandidateScorer();
  cv::Ptr<cv::ml::RTrees> forest_;
  PlattCalibration calibration_;
  PlattCalibration cluster_calibration_{1.0, 0.0};  // identity on the logit
  ModelProvenance provenance_;
  mutable std::mutex predict_lock_;
};

// The logit used as the cluster calibration's input (clamped away from 0 and 1).
double ClusterScoreLogit(double score);

// The detector's hook after clustering: cluster scores become ClusterProbability().
void ApplyClusterCalibration(const CandidateScorer* scorer, std::vector<Finding>* findings);

// `params` with the candidate stage (threshold, line limit, enhancement band) the scorer was
// trained behind: the one list of those settings.
DetectorParams WithCandidateStageOf(const CandidateScorer& scorer, DetectorParams params);

// WithCandidateStageOf, plus the scorer's member floor (cluster_min_member_score).
DetectorParams ParamsForScorer(const CandidateScorer& scorer, DetectorParams base);

// The model file format version this build reads and writes.
inline constexpr int kCandidateModelFormat = 3;  // 2: tissue_level, member floor; 3: band

}  // namespace mammocad

#endif  // MAMMOCAD_SCORING_H_

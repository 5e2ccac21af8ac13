// Candidate scoring: the detector's hook between its candidate stage and its clusters.
//
// The candidate stage finds bright spots and ranks them by contrast; a CandidateScorer then
// gives each candidate its score in [0, 1] (the probability that it is a true calcification),
// and turns the member-based cluster score into the cluster's score. Two scorers exist:
//   handmade  the logistic of the noise-normalised contrast (DetectorParams score_* fields)
//   learned   a model file (models/*.yml): features, a random forest, Platt calibration
// and a neural one can join them behind the same interface. The scorer is chosen in one place
// (MakeDetector, mammocad/detector.h).
//
// A scorer fitted on data knows only candidates and clusters made under the settings it was
// fitted with: FittedParams() applies them, CheckParams() refuses a detector whose settings
// differ (Detector::Create calls it).
//
// Thread-safety: scorers are immutable once made; every method may be called from many threads.
#ifndef MAMMOCAD_CANDIDATE_SCORER_H_
#define MAMMOCAD_CANDIDATE_SCORER_H_

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/detector_params.h"
#include "mammocad/findings.h"
#include "mammocad/status.h"

namespace mammocad {

// What a scorer sees of one image: the analysis grid, cropped around the breast. The
// candidates passed with it are on that grid too.
struct CandidateContext {
  const cv::Mat1f& image;     // [0, 1], bright = dense
  const cv::Mat1f& response;  // the enhanced image, in noise sigmas
  const cv::Mat1b& breast;    // non-zero inside the breast (empty: the whole image)
  double spacing_mm;          // of that grid
  const DetectorParams& params;
  // Threads the scorer may use, as DetectOptions::max_threads (0: no limit; the idle cores
  // decide, detector/parallel.h); 1: the calling thread only.
  int max_threads = 1;
};

// A cluster-score threshold a department can choose by name (README, "Operating points"),
// with what it gave where it was measured (`mammocad eval --operating-points`).
struct NamedOperatingPoint {
  std::string name;           // e.g. "balanced"
  double min_score = 0.0;     // DetectOptions::min_score for cluster findings
  double sensitivity = 0.0;   // measured: annotated clusters found / annotated clusters
  double fp_per_image = 0.0;  // measured: false-positive clusters per image
  std::string measured_on;    // e.g. "mini-mias-dev, 162 images"
};

class CandidateScorer {
 public:
  virtual ~CandidateScorer() = default;

  // "handmade", "learned": the names ScorerChoice::scorer accepts.
  virtual std::string_view name() const = 0;

  // Sets the score of every candidate (their order is kept). May throw cv::Exception, which
  // Detector::Detect turns into kInternal.
  virtual void Score(const CandidateContext& context,
                     std::vector<Calcification>* candidates) const = 0;

  // True when a candidate's score depends on it and the image alone, not on the other
  // candidates (the learned forest's neighbour features do): the detector may then leave
  // unscored the candidates no cluster can hold, when only clusters are asked for.
  virtual bool ScoresEachCandidateAlone() const { return false; }

  // A cluster's score from what the cluster stage measured of it (mammocad/findings.h), at
  // least its member-based P(at least cluster_min_members true). Default: that probability.
  virtual double ClusterScore(const ClusterEvidence& evidence) const {
    return evidence.member_based_score;
  }

  // `base` with the settings this scorer was fitted under (none for the hand-made score).
  virtual DetectorParams FittedParams(DetectorParams base) const { return base; }

  // kBadParameter, naming the setting, when `params` differ from those it was fitted under.
  virtual Status CheckParams(const DetectorParams& params) const {
    (void)params;
    return Status::Ok();
  }

  // The operating points measured with this scorer, most specific first (thresholds on its
  // own cluster scores, so another scorer's do not apply). Empty: none measured.
  virtual const std::vector<NamedOperatingPoint>& OperatingPoints() const;
};

// The hand-made score: logistic((contrast - score_midpoint_sigma) / score_slope_sigma).
std::shared_ptr<const CandidateScorer> HandmadeScorer();

// A learned scorer from its model file. Errors: kIoError (missing or unreadable file),
// kBadParameter (not a model, another format version, other features, settings missing);
// messages name the file.
Status LoadLearnedScorer(const std::string& path, std::shared_ptr<const CandidateScorer>* scorer);

}  // namespace mammocad

#endif  // MAMMOCAD_CANDIDATE_SCORER_H_

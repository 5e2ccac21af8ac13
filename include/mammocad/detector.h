// The calcification detector: a library that the CLI, the server, the evaluation and the
// benchmarks all call. It works in physical units (mm) through the pixel spacing.
//
// Pipeline (src/detector/*.cc, one file per stage):
//   normalise -> breast mask -> multi-scale bright-spot enhancement with local noise
//   normalisation -> candidate calcifications (score each, lines rejected) -> clusters
//   (grouping rule) -> rank. docs/detector.md describes each stage.
//
// Scores: every candidate gets a score in [0, 1] from the detector's CandidateScorer
// (mammocad/candidate_scorer.h: by default the logistic of its noise-normalised contrast), so
// scores are comparable across images. A cluster's score combines its members' scores:
// P(at least cluster_min_members of the strongest cluster_score_members are true), member
// scores taken as independent probabilities (see clusters.cc), then the scorer's ClusterScore.
//
// Thread-safety: a Detector is immutable after construction; Detect() may be called from many
// threads at once.
#ifndef MAMMOCAD_DETECTOR_H_
#define MAMMOCAD_DETECTOR_H_

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/candidate_scorer.h"
#include "mammocad/detector_params.h"
#include "mammocad/findings.h"
#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

struct StageTimings {
  double normalise_ms = 0, mask_ms = 0, enhance_ms = 0, candidates_ms = 0, cluster_ms = 0;
  double total_ms = 0;
};

struct DetectionResult {
  double spacing_mm = 0.0;                  // the spacing used
  SpacingSource spacing_source = SpacingSource::kDefault;
  std::vector<Finding> findings;            // at the requested level, highest score first
  StageTimings timings;
};

enum class FindingLevel { kCluster, kCalcification };

struct DetectOptions {
  FindingLevel level = FindingLevel::kCluster;
  double min_score = 0.0;             // findings scoring below are dropped
  double spacing_override_mm = 0.0;   // > 0: use this instead of the file's spacing
  // > 0: the spacing of images whose file states none (before the assumed field of view).
  // A front end's setting for clients that never send one (serve --default-pixel-spacing).
  double default_spacing_mm = 0.0;
  // Threads one image may use (strips of the image): 0 = 1 + the cores idle at the time (all
  // cores for a lone request, one per request under load), 1 = the calling thread only.
  // Findings do not depend on it (up to float rounding).
  int max_threads = 0;
};

class Detector {
 public:
  // With the hand-made candidate score.
  explicit Detector(DetectorParams params = DetectorParams());

  // With `scorer` (not null). Errors: kBadParameter when `params` differ from the settings the
  // scorer was fitted under (CandidateScorer::CheckParams; use scorer->FittedParams(base)).
  static Status Create(DetectorParams params, std::shared_ptr<const CandidateScorer> scorer,
                       Detector* detector);

  // Runs the whole pipeline. Errors: kBadParameter (bad options, bits_stored, or a spacing
  // outside [min_spacing_mm, max_spacing_mm]), kUnsupportedFormat (no pixels, or not 8/16-bit
  // single channel), kInternal (OpenCV failed, e.g. out of memory). Never throws.
  Status Detect(const Image& image, const DetectOptions& options, DetectionResult* result) const;

  const DetectorParams& params() const { return params_; }
  const CandidateScorer& scorer() const { return *scorer_; }

 private:
  Detector(DetectorParams params, std::shared_ptr<const CandidateScorer> scorer);

  DetectorParams params_;
  std::shared_ptr<const CandidateScorer> scorer_;
};

// Which candidate scorer a detector uses, as the CLI flags and the server's config say. The
// scorer is chosen in one place: MakeDetector.
struct ScorerChoice {
  // "handmade" (the contrast logistic, no model file: the library's default, so that a
  // default choice needs no file), "learned" (a forest) or "neural" (a network). The
  // programs' default is the network (cli/scorer_flags.h, kServedScorer).
  std::string scorer = "handmade";
  std::string model_path;             // the learned or neural scorer's model (required for them)
  bool fallback_to_handmade = false;  // a model that cannot be loaded: hand-made, with a warning
  std::vector<std::string> param_overrides;  // "name=value" (tuning; see param_overrides.h)
};

// The names ScorerChoice::scorer accepts.
const std::vector<std::string>& ScorerNames();

// The detector `choice` asks for. Errors: kBadParameter (unknown scorer, bad override, a model
// fitted under other settings than the overrides ask for), kIoError / kBadParameter naming
// the model file when it cannot be loaded (unless fallback_to_handmade: then a warning on
// stderr and the hand-made score).
Status MakeDetector(const ScorerChoice& choice, std::unique_ptr<Detector>* detector);

// The spacing the detector will use for `image` under `options`, and where it came from:
// options.spacing_override_mm (kRequest), else the file's (image.file_spacing_source), else
// options.default_spacing_mm (kServerDefault), else p.assumed_field_of_view_mm over the
// longer side (kDefault). Not range-checked here (Detect refuses out-of-range spacings).
double ResolveSpacing(const Image& image, const DetectOptions& options, const DetectorParams& p,
                      SpacingSource* source);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_H_

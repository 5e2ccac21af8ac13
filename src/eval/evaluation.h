// Evaluation of the detector against ground truth: the library behind `mammocad eval`.
//
// Findings are matched to the ground truth (eval/ground_truth.h) by its one hit rule and
// summarised as FROC curves (eval/froc.h). Images without lesions are normal and still count
// in the false-positive rate.
//
// Thread-safety: functions are re-entrant; EvaluateImages/EvaluateSynthetic use `threads`
// worker threads and call `progress` from them one at a time (under a lock).
#ifndef MAMMOCAD_EVALUATION_H_
#define MAMMOCAD_EVALUATION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mammocad/detector.h"
#include "eval/fan_out.h"
#include "eval/froc.h"
#include "eval/ground_truth.h"
#include "mammocad/status.h"
#include "synth/benign.h"
#include "synth/synthetic.h"

namespace mammocad {

// A truth lesion whose centre lies off the breast (the detector's mask without its margin): an
// annotation error (mini-MIAS mdb212 and mdb214, issue 15). It is left out of the targets, with
// the findings that hit it, and reported on its own line.
struct OffBreastLesion {
  TruthLesion lesion;
  double best_score = -1;  // of the findings that hit it; -1: none did
};

// One evaluated image: its findings, their lesion indices global over the whole evaluation.
struct ImageEvaluation {
  std::string name;
  int lesions = 0;                          // on the breast: the ones the curves count
  std::vector<OffBreastLesion> off_breast;  // not counted, nor the findings that hit them
  std::vector<ScoredFinding> findings;
  std::vector<ClusterEvidence> evidence;  // of each finding, same order (cluster findings)
  // Synthetic runs: of each finding, same order, the simulated benign calcification or
  // artefact a false finding lies on (eval/false_sources.h); none for true findings, tissue
  // and noise. Empty for real images.
  std::vector<std::optional<BenignKind>> false_sources;
  int findings_outside_breast = 0;
  double detect_ms = 0;
};

struct EvaluationReport {
  std::vector<ImageEvaluation> images;   // in input order
  FrocCurve cluster_curve;
  // Synthetic runs only: every inserted spot is a lesion, findings at the calcification level.
  FrocCurve calcification_curve;
  bool has_calcification_curve = false;
  int findings_outside_breast = 0;       // cluster findings whose box centre is not breast
  double total_detect_ms = 0;
};

struct FolderEvaluationOptions {
  std::vector<std::string> image_paths;  // evaluated in this order
  GroundTruth truth;                      // looked up by each path's stem
  double pixel_spacing_mm = 0.0;          // > 0: overrides the files' spacing
  int threads = 1;
};

// Image files (by extension: pgm pnm png jpg jpeg tif tiff bmp dcm) directly in `dir`, sorted.
Status ListImages(const std::string& dir, std::vector<std::string>* paths);

// Decodes and detects every image, matches cluster findings to the truth (lesions off the
// breast set apart, see OffBreastLesion), builds the curve.
// Errors: the first image that cannot be read, decoded or analysed (named in the message).
Status EvaluateImages(const Detector& detector, const FolderEvaluationOptions& options,
                      const ProgressCallback& progress, EvaluationReport* report);

struct SyntheticEvaluationOptions {
  int images = 10;
  std::uint64_t seed = 1;            // image i uses SyntheticSeed(seed, i)
  SyntheticOptions base;             // size, spacing, contrast, ... (its seed is ignored)
  // Instead of `base`: RealisticSyntheticOptions(base.spacing_mm, seed of the image,
  // max(base.width, base.height)), the morphological model with 0-3 clusters per image.
  bool realistic = false;
  // Realistic only: benign calcifications and artefacts too (WithBenignAndArtefacts), and
  // with benign_only no clusters at all (every finding is then a false one).
  bool benign_and_artefacts = false;
  bool benign_only = false;
  int threads = 1;
  // Calcification-level hit circles: the spot's radius, but at least this (mm), so that a
  // sub-pixel spot whose response peaks a pixel away is still found.
  double min_spot_hit_radius_mm = 0.25;
};

std::uint64_t SyntheticSeed(std::uint64_t seed, int index);

// The hit circle of one simulated calcification (pixels of an image at `spacing_mm`): its
// radius, but at least min_radius_mm, so that a sub-pixel spot whose response peaks a pixel
// away is still found. Evaluation, training labels and the candidate-stage count all use it.
TruthLesion SpotCircle(const SyntheticSpot& spot, double spacing_mm, double min_radius_mm);

// Image i of the set `options` describes (base or realistic, benign findings, seeds).
using SyntheticSource = std::function<Status(int index, SyntheticMammogram* out)>;
SyntheticSource SyntheticSetSource(const SyntheticEvaluationOptions& options);

// Generates the images in memory and evaluates clusters (the inserted clusters' discs) and
// calcifications (each inserted spot). Errors: a detector failure.
Status EvaluateSynthetic(const Detector& detector, const SyntheticEvaluationOptions& options,
                         const ProgressCallback& progress, EvaluationReport* report);

// A SyntheticSource generates image `index` of a set (its ground truth in `clusters`, `breast`).

// Fills the totals (findings outside the breast, detection time) and the cluster curve of
// `report` from its images, whose findings' lesion indices must be global over the report.
void SummariseEvaluation(EvaluationReport* report);
// Appends the images of `part` (an evaluation of other images) to `pooled`, renumbering its
// lesions after the pooled ones; call SummariseEvaluation on `pooled` once all are in. For
// cross-validation, where each fold's images are evaluated with the model that never saw them.
void AppendEvaluation(EvaluationReport part, EvaluationReport* pooled);

// The same evaluation over images from `source` (e.g. clusters inserted into real films).
Status EvaluateGenerated(const Detector& detector, int images, const SyntheticSource& source,
                         const SyntheticEvaluationOptions& options,
                         const ProgressCallback& progress, EvaluationReport* report);

// Reads `path` and decodes it like an upload.
Status LoadImageFile(const std::string& path, Image* image);

// The region where simulated clusters may be inserted into a real image: the detector's breast
// mask (with its margin from the skin line), on the image's grid.
cv::Mat1b InsertionRegion(const Image& image, double spacing_mm);

// Image i: the file paths[i] (a normal film) with `clusters` simulated clusters of the
// morphological model inserted in its InsertionRegion, seeded by SyntheticSeed(seed, i).
SyntheticSource InsertionSource(std::vector<std::string> paths, double spacing_mm,
                                std::uint64_t seed, int clusters);

// The image ids of the MIAS rows marked NORM (normal films), in table order.
std::vector<std::string> NormalMiasImages(const std::vector<MiasAnnotation>& rows);

// The NORM films of the MIAS folder `dir` (its annotations.txt) that a model of fold `fold` of
// `folds` may learn from: folds count films by their place i in the sorted folder listing, as
// `eval --fold-models` does, and the films at i % folds == fold are left out (evaluated
// unseen). folds <= 0: every NORM film. Errors: the table's or the listing's.
Status TrainingFoldNormals(const std::string& dir, int fold, int folds,
                           std::vector<std::string>* paths);

}  // namespace mammocad

#endif  // MAMMOCAD_EVALUATION_H_

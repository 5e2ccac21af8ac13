// DetectorParams: every tunable number of the detector, declared once, in physical units.
//
// MAMMOCAD_DETECTOR_PARAMS is the one table: each row gives the field's type, name, default
// (the tuned value), the range it may be set to, the stage it belongs to, and its meaning.
// It generates the DetectorParams struct, the `--param NAME=VALUE` overrides
// (src/detector/param_overrides.h), what a learned model records about the settings it was
// fitted under (the mask, enhancement, candidate and cluster stages), and the parameter
// reference docs/detector-params.md (`mammocad params`; a test keeps the two equal).
// docs/detector.md explains each stage. Change numbers here, never as literals in the stages.
//
// Thread-safety: DetectorParams is a value; the table is immutable.
#ifndef MAMMOCAD_DETECTOR_PARAMS_H_
#define MAMMOCAD_DETECTOR_PARAMS_H_

#include <string_view>
#include <vector>

namespace mammocad {

// X(type, name, default, min, max, stage, doc)
#define MAMMOCAD_DETECTOR_PARAMS(X)                                                            \
  /* --- Scale --- */                                                                          \
  X(double, assumed_field_of_view_mm, 240.0, 50.0, 1000.0, kScale,                             \
    "with no spacing in the file or the request, the longer image side is assumed to span "    \
    "this many mm (a 24x30 cm detector field holds a breast of about this height)")            \
  X(double, min_spacing_mm, 0.02, 0.001, 1.0, kScale,                                          \
    "spacings below this are refused as bad parameters")                                       \
  X(double, max_spacing_mm, 1.0, 0.02, 10.0, kScale,                                           \
    "spacings above this are refused as bad parameters")                                       \
  X(double, analysis_spacing_mm, 0.1, 0.02, 1.0, kScale,                                       \
    "finer images are analysed at this spacing (calcifications of 0.1 mm and more are still "  \
    "resolved) and boxes mapped back to the input grid")                                       \
  /* --- Breast mask --- */                                                                    \
  X(double, mask_spacing_mm, 1.0, 0.1, 5.0, kMask, "the mask is computed on an image this coarse") \
  X(double, mask_smoothing_mm, 2.0, 0.0, 20.0, kMask,                                          \
    "Gaussian sigma before thresholding (film grain)")                                         \
  X(double, mask_otsu_fraction, 0.5, 0.05, 2.0, kMask, "breast threshold = this fraction of Otsu's") \
  X(double, mask_margin_mm, 3.0, 0.0, 30.0, kMask, "eroded from the skin line and the image border") \
  X(double, mask_min_area_fraction, 0.02, 0.0, 1.0, kMask,                                     \
    "components smaller than this fraction of the image are never the breast (a blank image "  \
    "then yields an empty mask instead of a speck of noise)")                                  \
  /* --- Enhancement --- */                                                                    \
  X(double, min_calc_diameter_mm, 0.1, 0.02, 5.0, kEnhancement,                                \
    "smallest calcification diameter the enhancement is tuned to")                             \
  X(double, max_calc_diameter_mm, 1.0, 0.05, 10.0, kEnhancement,                               \
    "largest calcification diameter the enhancement is tuned to")                              \
  X(int, enhancement_scales, 3, 1, 12, kEnhancement,                                           \
    "difference-of-Gaussian scales across that range")                                         \
  X(double, background_ratio, 4.0, 1.1, 20.0, kEnhancement, "background sigma / spot sigma")   \
  X(double, min_filter_sigma_px, 0.5, 0.1, 5.0, kEnhancement,                                  \
    "narrower Gaussians only model aliasing, not spots")                                       \
  X(double, wide_blur_min_sigma_px, 4.0, 1.0, 100.0, kEnhancement,                             \
    "speed: Gaussians wider than this (pixels) run on a reduced grid (same result within the " \
    "noise)")                                                                                  \
  X(double, wide_blur_residual_sigma_px, 2.0, 0.5, 10.0, kEnhancement,                         \
    "speed: the sigma (pixels) left to filter on that reduced grid")                           \
  X(double, noise_window_mm, 4.0, 0.5, 50.0, kEnhancement, "window of the local noise estimate") \
  X(double, noise_blocks_per_window, 16.0, 1.0, 64.0, kEnhancement,                            \
    "speed: the noise level is estimated on blocks this many times smaller than the window "   \
    "and interpolated (it varies slowly)")                                                     \
  X(double, noise_clip_sigma, 3.0, 0.5, 100.0, kEnhancement,                                   \
    "the noise estimate is recomputed with |response| clipped at this many first-pass sigmas " \
    "so that calcifications and edges do not inflate their own noise estimate")                \
  X(double, noise_floor, 2e-4, 0.0, 0.1, kEnhancement,                                         \
    "lower bound of the noise estimate in [0, 1] intensity units: keeps flat or saturated "    \
    "regions from turning rounding errors into huge responses")                                \
  /* --- Candidates --- */                                                                     \
  X(double, candidate_threshold_sigma, 4.5, 1.0, 50.0, kCandidates,                            \
    "noise-normalised response needed to be a candidate")                                      \
  X(double, max_candidate_diameter_mm, 1.5, 0.05, 20.0, kCandidates,                           \
    "larger bright blobs are not calcifications")                                              \
  X(int, max_candidates, 2000, 1, 1000000, kCandidates, "per image, strongest kept")           \
  X(double, line_ring_radius_mm, 0.5, 0.05, 10.0, kCandidates,                                 \
    "line rejection (vessels, edges): the response this far (or the candidate's diameter if "  \
    "larger) on both sides of the peak is compared with the peak")                             \
  X(int, line_directions, 8, 1, 64, kCandidates, "directions tried by the line test")          \
  X(double, max_lineness, 0.4, 0.0, 10.0, kCandidates,                                         \
    "candidates whose response on both sides, relative to the peak, exceeds this lie on a "    \
    "line")                                                                                    \
  X(double, second_look_threshold_sigma, 0.0, 0.0, 50.0, kCandidates,                          \
    "second look: fainter candidates (response above this, below candidate_threshold_sigma) "  \
    "are taken near the candidates scoring >= second_look_seed_score, within "                 \
    "cluster_link_distance_mm, where a cluster's faint members lie; 0 = no second look")       \
  X(double, second_look_seed_score, 0.5, 0.0, 1.0, kCandidates,                                \
    "the candidate score from which the second look searches around a candidate")             \
  X(double, second_look_seed_sigma, 0.0, 0.0, 50.0, kCandidates,                               \
    "and the contrast (noise-normalised peak) from which it does: with seed score 0, seeds "   \
    "that do not depend on the scorer, so a network is trained on the candidates it will see") \
  X(double, second_look_min_score, 0.0, 0.0, 1.0, kCandidates,                                 \
    "the second look's candidates are kept only from this score (faint noise is not let "      \
    "join, or make, a cluster)")                                                               \
  X(double, second_look_max_spacing_mm, 1.0, 0.02, 1.0, kCandidates,                           \
    "the second look runs only on images analysed at this spacing or finer: on coarser film "  \
    "scans (200 um) the faint specks near a candidate are mostly film grain")                 \
  /* --- Hand-made score --- */                                                                \
  X(double, score_midpoint_sigma, 6.0, 0.0, 100.0, kHandmadeScore,                             \
    "hand-made candidate score = logistic((contrast - midpoint) / slope): the midpoint")       \
  X(double, score_slope_sigma, 1.5, 0.01, 100.0, kHandmadeScore,                               \
    "the slope of that logistic")                                                              \
  /* --- Clusters --- */                                                                       \
  X(int, cluster_min_members, 3, 1, 100, kClusters,                                            \
    "clinical rule: at least this many calcifications within about 1 cm^2")                    \
  X(double, cluster_link_distance_mm, 5.0, 0.1, 100.0, kClusters,                              \
    "members closer than this join one cluster")                                               \
  X(double, cluster_max_extent_mm, 30.0, 1.0, 500.0, kClusters,                                \
    "groups whose box is longer are not clusters")                                             \
  X(double, cluster_box_padding_mm, 1.0, 0.0, 20.0, kClusters, "margin added around the members' box") \
  X(double, cluster_min_member_score, 0.0, 0.0, 1.0, kClusters,                                \
    "candidates scoring below this join no cluster (0 with the hand-made score; a learned "    \
    "model brings its own)")                                                                   \
  X(double, cluster_outline_min_score, 0.002, 0.0, 1.0, kClusters,                             \
    "members scoring below this count in the cluster but do not stretch its box (near-zero "   \
    "specks, e.g. JPEG's, would move a cluster's outline off its calcifications)")             \
  X(int, cluster_score_members, 4, 1, 100, kClusters,                                          \
    "cluster score = P(at least cluster_min_members of the strongest this many members are "   \
    "true), member scores taken as independent probabilities")                                \
  X(double, cluster_rank_decay, 1.0, 0.05, 1.0, kClusters,                                     \
    "an image's k-th cluster (k = 0 for its best, by score) has its score multiplied by this " \
    "to the power k: an image rarely holds several clusters, and a film that makes many is "   \
    "speckled (grain, scattered benign specks); the order within an image is kept; 1 = off")

struct DetectorParams {
#define MAMMOCAD_PARAM_FIELD(type, name, value, min, max, stage, doc) type name = value;
  MAMMOCAD_DETECTOR_PARAMS(MAMMOCAD_PARAM_FIELD)
#undef MAMMOCAD_PARAM_FIELD
};

enum class ParamStage { kScale, kMask, kEnhancement, kCandidates, kHandmadeScore, kClusters };
std::string_view ParamStageName(ParamStage stage);  // "scale", "mask", ...

// One row of the table, with access to the field it describes.
struct ParamInfo {
  std::string_view name;
  bool is_integer = false;
  double default_value = 0, min_value = 0, max_value = 0;
  ParamStage stage = ParamStage::kScale;
  std::string_view doc;
  double (*get)(const DetectorParams&) = nullptr;
  void (*set)(DetectorParams*, double) = nullptr;  // integers are rounded
};

// Every parameter, in the order of the table.
const std::vector<ParamInfo>& DetectorParamTable();

// True for the stages whose settings shape the candidates and clusters a learned scorer was
// fitted on (mask, enhancement, candidates, clusters): a model records them and refuses others.
bool IsFittedStage(ParamStage stage);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_PARAMS_H_

// The detector's stages, one per file, internal to the library (tests use them directly).
// All images here are CV_32FC1 in [0, 1] on the analysis grid unless said otherwise.
#ifndef MAMMOCAD_DETECTOR_STAGES_H_
#define MAMMOCAD_DETECTOR_STAGES_H_

#include <opencv2/core.hpp>
#include <vector>

#include "mammocad/detector.h"
#include "mammocad/detector_params.h"
#include "mammocad/image.h"

namespace mammocad::detail {

// --- normalise.cc ------------------------------------------------------------------------
struct AnalysisImage {
  cv::Mat1f pixels;          // [0, 1], bright = dense
  double spacing_mm = 0.0;   // pixel spacing of `pixels`
  // Input-grid pixels per analysis pixel along x and y (1 when not downsampled).
  double scale_x = 1.0;
  double scale_y = 1.0;
};

// Scales 8/16-bit pixels by 2^bits_stored - 1 and downsamples (area averaging) images finer
// than params.analysis_spacing_mm, in strips on up to `threads` threads (same values for any
// number). `image.pixels` must be CV_8UC1 or CV_16UC1.
AnalysisImage Normalise(const Image& image, double spacing_mm, const DetectorParams& params,
                        int threads = 1);

// Maps a point / box of the analysis grid back to the input pixel grid (clipped to `size`).
cv::Point2f ToInputGrid(const AnalysisImage& analysis, cv::Point2f point);
cv::Rect ToInputGrid(const AnalysisImage& analysis, cv::Rect box, cv::Size input_size);

// --- breast_mask.cc ----------------------------------------------------------------------
// 255 inside the breast (minus a margin from the skin line and the image border), 0 elsewhere,
// same size as `image`. Computed on a ~params.mask_spacing_mm copy.
cv::Mat1b ComputeBreastMask(const cv::Mat1f& image, double spacing_mm,
                            const DetectorParams& params);

// For each point (pixels of `mask`'s grid, spacing `spacing_mm`), its distance in mm to the
// nearest pixel outside the mask, plus the mask's margin (so: to the skin line or the image
// border); 0 for a point outside the mask. Measured on the ~mask_spacing_mm grid the mask was
// made on (it holds no finer outline), so it costs a fraction of a millisecond, not the tens a
// transform of the full grid takes.
std::vector<double> DistancesToOutlineMm(const cv::Mat1b& mask, double spacing_mm,
                                         const DetectorParams& params,
                                         const std::vector<cv::Point2f>& points);

// --- enhance.cc --------------------------------------------------------------------------
// Spot (centre) Gaussian sigmas in pixels for the enhancement scales, ascending, deduplicated.
std::vector<double> SpotSigmasPx(double spacing_mm, const DetectorParams& params);

// Difference-of-Gaussians response at one spot sigma, divided by its local robust noise
// estimate: in noise sigmas, ~N(0, 1) on pure noise.
cv::Mat1f EnhanceAtScale(const cv::Mat1f& image, double spot_sigma_px, double spacing_mm,
                         const DetectorParams& params);

// Local robust noise sigma of a zero-mean response (mean absolute deviation in a box window,
// recomputed with outliers clipped), floored at params.noise_floor.
cv::Mat1f LocalNoiseSigma(const cv::Mat1f& response, double spacing_mm,
                          const DetectorParams& params);

// How far (pixels) the enhanced value of a pixel depends on the image around it: the widest
// background Gaussian (3 sigma) plus the noise window. Cropping the image to the breast
// plus this margin leaves the enhancement inside the breast unchanged.
int EnhancementSupportPx(double spacing_mm, const DetectorParams& params);

// The period (pixels) of the reduced grids inside the enhancement (wide blurs, noise blocks).
// A crop whose origin is a multiple of it gives the same values as the whole image.
int EnhancementGridPx(double spacing_mm, const DetectorParams& params);

// Pixelwise maximum of EnhanceAtScale over all scales.
cv::Mat1f EnhanceSpots(const cv::Mat1f& image, double spacing_mm, const DetectorParams& params);

// EnhanceSpots computed on `strips` horizontal strips (each with the support around it) by up
// to `threads` threads (see parallel.h): the same values up to float rounding.
cv::Mat1f EnhanceSpotsInStrips(const cv::Mat1f& image, double spacing_mm,
                               const DetectorParams& params, int strips, int threads);

// --- candidates.cc -----------------------------------------------------------------------
// Connected components of response > candidate_threshold_sigma inside `mask`, bigger ones than
// max_candidate_diameter_mm dropped; at most max_candidates (by contrast: the hand-made score,
// which each candidate carries until the detector's scorer replaces it). Analysis grid.
// The pixel scan runs in strips on up to `threads` threads (same result for any number).
std::vector<Calcification> FindCandidates(const cv::Mat1f& response, const cv::Mat1b& mask,
                                          double spacing_mm, const DetectorParams& params,
                                          int threads = 1);

// Whether the second look runs on an image analysed at `spacing_mm`: a threshold set under
// candidate_threshold_sigma, and the image at second_look_max_spacing_mm or finer.
bool SecondLookRuns(const DetectorParams& params, double spacing_mm);

// The second look (SecondLookRuns): candidates between second_look_threshold_sigma and
// candidate_threshold_sigma, searched only within cluster_link_distance_mm of the `scored`
// candidates whose score is >= second_look_seed_score and contrast >= second_look_seed_sigma,
// and none overlapping a candidate of
// `scored` (whose stronger peaks they would merely repeat). Empty when off or without seeds.
// Same grid and rules (size, line test, max_candidates) as FindCandidates.
std::vector<Calcification> FindFaintNeighbours(const cv::Mat1f& response, const cv::Mat1b& mask,
                                               const std::vector<Calcification>& scored,
                                               double spacing_mm, const DetectorParams& params,
                                               int threads = 1);

// --- clusters.cc -------------------------------------------------------------------------
// Groups calcifications (input grid, `spacing_mm` per pixel) by single linkage within
// cluster_link_distance_mm; keeps groups with >= cluster_min_members members and an extent
// <= cluster_max_extent_mm. Findings have members sorted by score and are sorted by score.
std::vector<Finding> GroupIntoClusters(const std::vector<Calcification>& calcifications,
                                       double spacing_mm, cv::Size image_size,
                                       const DetectorParams& params);

// For each candidate (on a grid of `spacing_mm`): whether it lies in a group of at least
// cluster_min_members candidates linked within a little more than cluster_link_distance_mm,
// i.e. whether GroupIntoClusters could make it a member of a cluster whatever the scores.
// The others need no score when only clusters are asked for (a network's most costly work).
std::vector<bool> CouldJoinACluster(const std::vector<Calcification>& calcs, double spacing_mm,
                                    const DetectorParams& params);

// P(at least cluster_min_members of the strongest cluster_score_members are true), member
// scores as independent probabilities. `scores` sorted descending or not.
double ClusterScore(std::vector<double> scores, const DetectorParams& params);

// The k-th best of an image's findings (by score, ties in their order) has its score
// multiplied by decay^k (cluster_rank_decay); the order of `findings` is kept as given, and
// so is the order by score. decay 1 changes nothing.
void DiscountByRankInImage(double decay, std::vector<Finding>* findings);

// The shape of a cluster from its members (all but member_based_score and skin_distance_mm,
// which the caller knows). Input-grid members, `spacing_mm` of that grid.
ClusterEvidence DescribeCluster(const std::vector<Calcification>& members, double spacing_mm);

}  // namespace mammocad::detail

#endif  // MAMMOCAD_DETECTOR_STAGES_H_

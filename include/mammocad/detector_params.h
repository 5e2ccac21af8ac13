// DetectorParams: every tunable number of the detector, in one place, in physical units.
// Defaults are the tuned values; docs/detector.md explains each stage. Change them here, not
// as literals in the stages.
#ifndef MAMMOCAD_DETECTOR_PARAMS_H_
#define MAMMOCAD_DETECTOR_PARAMS_H_

#include <vector>

namespace mammocad {

struct DetectorParams {
  // --- Scale -------------------------------------------------------------------------------
  // With no spacing in the file or the request, assume the longer image side spans this many
  // mm (a 24x30 cm detector field holds a breast of about this height).
  double assumed_field_of_view_mm = 240.0;
  double min_spacing_mm = 0.02;   // spacings outside [min, max] are rejected as bad parameters
  double max_spacing_mm = 1.0;
  // Images finer than this are analysed at this spacing (calcifications of 0.1 mm and more
  // are still resolved) and boxes mapped back to the input grid.
  double analysis_spacing_mm = 0.1;

  // --- Breast mask ---------------------------------------------------------------------------
  double mask_spacing_mm = 1.0;           // the mask is computed on an image this coarse
  double mask_smoothing_mm = 2.0;         // Gaussian sigma before thresholding (film grain)
  double mask_otsu_fraction = 0.5;        // breast threshold = this fraction of Otsu's
  double mask_margin_mm = 3.0;            // eroded from the skin line and the image border
  // Components smaller than this fraction of the image are never taken as the breast (a
  // blank image then yields an empty mask instead of a speck of noise).
  double mask_min_area_fraction = 0.02;

  // --- Enhancement ---------------------------------------------------------------------------
  // Calcification diameters the enhancement is tuned to (mm).
  double min_calc_diameter_mm = 0.1;
  double max_calc_diameter_mm = 1.0;
  int enhancement_scales = 3;             // difference-of-Gaussian scales across that range
  double background_ratio = 4.0;          // background sigma / spot sigma
  double min_filter_sigma_px = 0.5;       // narrower Gaussians only model aliasing, not spots
  // Speed: Gaussians wider than this (pixels) run on a grid reduced so that about
  // wide_blur_residual_sigma_px remain to filter there (same result within the noise).
  double wide_blur_min_sigma_px = 4.0;
  double wide_blur_residual_sigma_px = 2.0;
  double noise_window_mm = 4.0;           // window of the local noise estimate
  // Speed: the noise level is estimated on blocks this many times smaller than the window
  // and interpolated (it varies slowly).
  double noise_blocks_per_window = 16.0;
  // The noise estimate is recomputed with |response| clipped at this many first-pass sigmas
  // so that calcifications and edges do not inflate their own noise estimate.
  double noise_clip_sigma = 3.0;
  // Lower bound of the noise estimate, in normalised intensity ([0, 1]) units: keeps flat or
  // saturated regions (no noise at all) from turning rounding errors into huge responses.
  double noise_floor = 2e-4;

  // --- Candidates ----------------------------------------------------------------------------
  double candidate_threshold_sigma = 4.5;  // noise-normalised response needed to be a candidate
  double max_candidate_diameter_mm = 1.5;  // larger bright blobs are not calcifications
  int max_candidates = 2000;               // per image, strongest kept
  // Line rejection (vessels, edges): the response at line_ring_radius_mm (or the candidate's
  // diameter if larger) on both sides of the peak, along the best of line_directions
  // directions, relative to the peak; candidates above max_lineness lie on a line.
  double line_ring_radius_mm = 0.5;
  int line_directions = 8;
  double max_lineness = 0.4;

  // Candidate score = logistic((contrast - score_midpoint_sigma) / score_slope_sigma).
  double score_midpoint_sigma = 6.0;
  double score_slope_sigma = 1.5;

  // --- Clusters ------------------------------------------------------------------------------
  // Clinical rule: at least `cluster_min_members` calcifications within about 1 cm^2.
  int cluster_min_members = 3;
  double cluster_link_distance_mm = 5.0;   // members closer than this join one cluster
  double cluster_max_extent_mm = 30.0;     // groups whose box is longer are not clusters
  double cluster_box_padding_mm = 1.0;
  // Candidates scoring below this join no cluster (they neither count as members nor link
  // others). 0 with the hand-made score; a learned model brings its own (ParamsForScorer).
  double cluster_min_member_score = 0.0;
  // Cluster score = P(at least cluster_min_members of the strongest `cluster_score_members`
  // members are true calcifications), member scores taken as independent probabilities.
  int cluster_score_members = 4;
};

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_PARAMS_H_

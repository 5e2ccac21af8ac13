// Synthetic mammograms with known calcification clusters, for tests, benchmarks and training.
//
// The breast is a half-ellipse against the left image side on a dark background. Inside it:
// smooth anatomical structure (noise filtered to a ~1/f^3 power spectrum plus a few blurred
// ducts running towards the nipple), a thinner edge near the skin, clusters of small blurred
// bright discs (the calcifications), and signal-dependent (quantum-like) noise; optionally
// benign calcifications and artefacts as hard negatives (synth/benign.h). The same options and
// seed always give the same image.
#ifndef MAMMOCAD_SYNTH_SYNTHETIC_H_
#define MAMMOCAD_SYNTH_SYNTHETIC_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <opencv2/core.hpp>
#include <vector>

#include "mammocad/image.h"
#include "mammocad/status.h"
#include "synth/benign.h"

namespace mammocad {

enum class CalcMorphology { kPunctate, kAmorphous, kPleomorphic, kLinear };
inline constexpr int kCalcMorphologyCount = 4;  // kPunctate .. kLinear, for tables by kind
std::string_view CalcMorphologyName(CalcMorphology morphology);

// The morphological calcification model (see the top of this file and docs/simulator.md).
struct CalcificationModel {
  std::vector<CalcMorphology> morphologies = {CalcMorphology::kPunctate, CalcMorphology::kAmorphous,
                                              CalcMorphology::kPleomorphic, CalcMorphology::kLinear};
  int min_calcs_per_cluster = 3;
  int max_calcs_per_cluster = 30;
  double min_cluster_radius_mm = 2.0;  // a cluster's spots lie in a disc of a radius drawn here
  double max_cluster_radius_mm = 5.0;
  double min_size_mm = 0.1;            // longest extent of one calcification
  double max_size_mm = 1.0;
  // Intensity ([0, 1] units) added per mm of calcium along the ray, times a factor drawn
  // uniformly in [1 - contrast_spread, 1 + contrast_spread] per calcification.
  double contrast_per_mm = 0.4;
  double contrast_spread = 0.4;
  double amorphous_contrast_factor = 0.5;  // amorphous calcifications are faint and hazy
  double focal_blur_mm = 0.05;             // Gaussian sigma of the focal spot's blur
  double detector_blur_px = 0.4;           // Gaussian sigma of the detector aperture, pixels
};

struct SyntheticOptions {
  int width = 1024;
  int height = 1024;
  double spacing_mm = 0.1;
  int bits = 16;                    // 8 or 16 (16-bit images use all 16 bits)
  std::uint64_t seed = 1;

  int clusters = 2;
  int min_calcs_per_cluster = 4;
  int max_calcs_per_cluster = 8;
  double cluster_radius_mm = 3.5;   // spots lie uniformly in a disc of this radius
  double min_spot_diameter_mm = 0.2;
  double max_spot_diameter_mm = 0.6;
  // Spot contrast: added intensity ([0, 1] units) at the centre of a resolved spot, drawn
  // uniformly in [min, max]. Unresolved spots are fainter (partial volume).
  double min_contrast = 0.04;
  double max_contrast = 0.09;
  // Noise sigma ([0, 1] units) where the intensity is 0.5 and pixels are
  // noise_reference_spacing_mm wide. Quantum noise: it scales with sqrt(intensity) and, as a
  // pixel collects photons over its area, inversely with the pixel spacing.
  double noise_sigma = 0.01;
  double noise_reference_spacing_mm = 0.1;
  double anatomy_amplitude = 0.08;  // standard deviation of the 1/f^3 background structure
  // Power spectrum of the anatomical structure ~ 1/f^exponent (mammograms: about 3).
  double anatomy_power_exponent = 3.0;
  int ducts = 4;
  // Set: the morphological calcification model, which then replaces the legacy cluster and
  // spot fields above (min/max_calcs_per_cluster, cluster_radius_mm, spot diameter/contrast).
  std::optional<CalcificationModel> calcifications;
  // Hard negatives (synth/benign.h): benign calcifications and artefacts, kinds drawn uniformly
  // from benign_model's lists. They draw from their own generator (seeded by `seed`): the rest
  // of the image is the same with or without them, and 0 draws nothing.
  int benign = 0;
  int artefacts = 0;
  BenignModel benign_model;
};

// Options for training/evaluation images at `spacing_mm` (0.05-0.2 mm): the morphological
// model, a power-law exponent drawn in [2.7, 3.3], 0-3 clusters and a breast filling a
// 240 x 300 mm field, all drawn from `seed` (the same seed, the same options). `max_side_px`
// caps the image size (the field is then smaller).
SyntheticOptions RealisticSyntheticOptions(double spacing_mm, std::uint64_t seed,
                                           int max_side_px = 2048);

// `options` with 1-4 benign calcifications and 0-2 artefacts drawn from `seed` (the same seed,
// the same counts); nothing else changes. For training and evaluation sets, e.g.
// WithBenignAndArtefacts(RealisticSyntheticOptions(spacing, seed), seed).
SyntheticOptions WithBenignAndArtefacts(SyntheticOptions options, std::uint64_t seed);

// One ellipsoid of calcium: the building block of a morphological calcification.
struct CalcBlob {
  cv::Point2f offset_mm;        // from the calcification's centre
  double semi_major_mm = 0.0;   // ellipse semi-axes in the image plane
  double semi_minor_mm = 0.0;
  double angle_rad = 0.0;       // direction of the major axis
  double thickness_mm = 0.0;    // calcium along the ray at the centre (sphere-like profile);
                                // negative: a hollow inside another blob (a rim calcification)
};

struct SyntheticSpot {
  cv::Point2f centre;        // pixels
  double diameter_mm = 0.0;  // legacy: diameter; morphological: longest extent
  double contrast = 0.0;     // added intensity at the centre before blur ([0, 1] units)
  CalcMorphology morphology = CalcMorphology::kPunctate;
  std::vector<CalcBlob> blobs;  // morphological model only (empty: a legacy round spot)
};

struct SyntheticCluster {
  cv::Point2f centre;        // pixels
  double radius_px = 0.0;    // the disc the spots were drawn in
  cv::Rect box;              // bounding box of the spots
  std::vector<SyntheticSpot> spots;
};

struct SyntheticMammogram {
  Image image;               // file_spacing_mm = options.spacing_mm
  cv::Mat1b breast;          // 255 inside the breast outline
  std::vector<SyntheticCluster> clusters;
  std::vector<SyntheticBenign> benign;  // artefacts first, then benign calcifications
};

SyntheticMammogram MakeSyntheticMammogram(const SyntheticOptions& options);

// Inserts options.clusters simulated clusters (morphological model if options.calcifications
// is set, else legacy) into a real image, inside `region` (255 = allowed; every cluster disc
// lies wholly inside it). Intended for normal mini-MIAS films at 0.2 mm: the spots are drawn
// in the image's own intensity units and requantised to its bits. options.spacing_mm must be
// the image's spacing; its size fields are ignored. Deterministic for options.seed. Fails
// with kBadParameter if the image is not 8/16-bit, the region does not match it, or there is
// no room for a cluster.
Status InsertSimulatedClusters(const Image& real, const cv::Mat1b& region,
                               const SyntheticOptions& options, SyntheticMammogram* out);

struct BenignOptions {
  double spacing_mm = 0.2;  // the image's
  std::uint64_t seed = 1;
  int benign = 1;           // benign calcifications, from model.calcification_kinds
  int artefacts = 0;        // artefacts, from model.artefact_kinds
  BenignModel model;
  // Only its focal_blur_mm and detector_blur_px are used: the calcifications' blur.
  CalcificationModel blur;
  // Pixels (e.g. the discs of inserted clusters): calcifications, dust and scratches keep
  // 3 mm clear of them, so that they stay negatives.
  std::vector<cv::Rect> keep_clear;
};

// Inserts benign calcifications and artefacts into a real image (a normal film), in its own
// intensity units, requantised to its bits; the input is not modified. Calcifications (blur
// included), dust and scratches lie wholly inside `region` (255 = allowed; skin calcifications
// within 4 mm of its edge); scanner lines cross the image through it, film edges lie along an
// image border, labels are centred outside it. out->clusters is empty: to have both, insert the
// clusters first and pass their discs in keep_clear. Deterministic for options.seed. Fails with
// kBadParameter if the image is not 8/16-bit, the region does not match it, a count is
// negative, a kind list holds a kind of the other family (or none while its count is not 0),
// or there is no room for every finding.
Status InsertBenignFindings(const Image& real, const cv::Mat1b& region,
                            const BenignOptions& options, SyntheticMammogram* out);

// The bounding boxes of the clusters' discs (pixels), e.g. for BenignOptions::keep_clear.
std::vector<cv::Rect> ClusterDiscBoxes(const std::vector<SyntheticCluster>& clusters);

// The same image quantised to 8 bits (for 8- vs 16-bit comparisons).
Image To8Bit(const Image& image16);

}  // namespace mammocad

#endif  // MAMMOCAD_SYNTH_SYNTHETIC_H_

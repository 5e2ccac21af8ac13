// Synthetic mammograms with known calcification clusters, for tests, benchmarks and training.
//
// The breast is a half-ellipse against the left image side on a dark background. Inside it:
// smooth anatomical structure (noise filtered to a ~1/f^3 power spectrum plus a few blurred
// ducts running towards the nipple), a thinner edge near the skin, clusters of small blurred
// bright discs (the calcifications), and signal-dependent (quantum-like) noise. The same
// options and seed always give the same image.
#ifndef MAMMOCAD_SYNTHETIC_H_
#define MAMMOCAD_SYNTHETIC_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "mammocad/image.h"

namespace mammocad {

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
  int ducts = 4;
};

struct SyntheticSpot {
  cv::Point2f centre;        // pixels
  double diameter_mm = 0.0;
  double contrast = 0.0;
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
};

SyntheticMammogram MakeSyntheticMammogram(const SyntheticOptions& options);

// The same image quantised to 8 bits (for 8- vs 16-bit comparisons).
Image To8Bit(const Image& image16);

}  // namespace mammocad

#endif  // MAMMOCAD_SYNTHETIC_H_

// Benign calcifications and artefacts (synth/benign.h) as drawn, internal to src/synth:
// placement (benign.cc), the calcifications' geometry (benign.cc) and the artefacts'
// (artefacts.cc).
#ifndef MAMMOCAD_SYNTH_BENIGN_MODEL_H_
#define MAMMOCAD_SYNTH_BENIGN_MODEL_H_

#include <opencv2/core.hpp>
#include <random>
#include <vector>

#include "synth/synthetic.h"

namespace mammocad::synth {

// A finding's record and what drawing it needs beyond the record.
struct BenignDrawing {
  SyntheticBenign record;
  std::vector<SyntheticSpot> calcium;  // a calcification: DrawCalcification's input
  std::vector<cv::Point> outline;      // kFilmEdge: the band (a convex polygon, pixels)
};

inline double Uniform(double lo, double hi, std::mt19937_64& rng) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// Where findings may go.
struct BenignRoom {
  BenignRoom(const cv::Mat1b& region, double spacing_mm, double blur_px,
             std::vector<cv::Rect> keep_clear);
  // Pixels from `p` to the nearest pixel outside the region or off the image (0 there).
  double Depth(cv::Point2f p) const;
  // Pixels from `p` to the region's own edge, the image's border not counted (a breast's
  // chest-wall side is no skin).
  double SkinDepth(cv::Point2f p) const;
  // Whether a disc of `radius_px` around `p`, blur included, lies inside the region.
  bool Holds(cv::Point2f p, double radius_px) const;
  // `box` keeps kClearanceMm from every taken box.
  bool Clear(const cv::Rect& box) const;
  // A pixel of the region, or (inside = false) of the image outside it: uniform, or false
  // after a few misses.
  bool RandomPixel(bool inside, std::mt19937_64& rng, cv::Point* p) const;

  cv::Mat1b region;
  cv::Mat1f depth, skin_depth;
  cv::Rect bounds;        // the region's bounding box
  double spacing_mm = 0;
  double blur_px = 0;     // Gaussian sigma of the calcifications' blur
  std::vector<cv::Rect> taken;
};

// One attempt at a finding of `kind` in `room`: false if the geometry drawn does not fit.
bool TryCalcification(BenignKind kind, const BenignModel& model, const BenignRoom& room,
                      std::mt19937_64& rng, BenignDrawing* out);
bool TryArtefact(BenignKind kind, const BenignRoom& room, std::mt19937_64& rng,
                 BenignDrawing* out);

// `artefacts` artefacts, then `benign` calcifications (so they avoid the labels and film
// edges), kinds uniform from the model's lists; each keeps clear of what is taken (scanner
// lines excepted) and is taken in turn. A finding that finds no room is left out.
std::vector<BenignDrawing> PlaceBenign(int benign, int artefacts, const BenignModel& model,
                                       BenignRoom* room, std::mt19937_64& rng);

// Adds the calcifications' calcium, blurred by `blur_px`, to `image` ([0, 1] units).
void DrawBenignCalcium(const std::vector<BenignDrawing>& findings, double spacing_mm,
                       double blur_px, cv::Mat1f* image);

// Draws the artefacts, sharp, on `image` ([0, 1] units): after the blur and the noise.
void DrawArtefacts(const std::vector<BenignDrawing>& findings, cv::Mat1f* image);

std::vector<SyntheticBenign> Records(const std::vector<BenignDrawing>& findings);

// The generator of the benign findings: its own, so that the rest of the image is the same
// with or without them.
std::mt19937_64 BenignRng(std::uint64_t seed);

}  // namespace mammocad::synth

#endif  // MAMMOCAD_SYNTH_BENIGN_MODEL_H_

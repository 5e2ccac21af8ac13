// Candidate patches for the neural scorer: each candidate's neighbourhood at one fixed
// physical field of view, resampled to one canonical spacing, so that 50-200 um images look
// alike to the network. The same function makes the training patches (src/eval/) and the
// scorer's input, so training and inference cannot drift apart.
//
// Channels (NCHW float32, as cv::dnn and PyTorch take them):
//   0  the image, minus the patch's median, divided by the patch's noise (PatchNoise,
//      floored): the grey scale of the scanner and any 8-bit windowing drop out, the local
//      contrast in noise units stays
//   1  the detector's enhanced response (noise sigmas), divided by 10 and clipped to [-1, 4]
// Thread-safety: pure functions.
#ifndef MAMMOCAD_DETECTOR_PATCHES_H_
#define MAMMOCAD_DETECTOR_PATCHES_H_

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/candidate_scorer.h"

namespace mammocad {

// What channel 0 is divided by.
enum class PatchNoise {
  // Median |sample - its 3x3 mean| (calc-nn-v2, calc-nn-v3). Lossy compression removes the
  // finest grain, so a calcification's height in the patch grows (2.52x through JPEG quality
  // 75 on a film-like 200 um image: PatchNoise.BandNoiseKeepsASpotsHeightThroughJpeg).
  kPixel,
  // The robust spread (1.4826 x median absolute deviation) of the patch's difference of
  // Gaussians at 1.5 and 4 samples (0.15 and 0.4 mm): noise at a calcification's own scale,
  // which JPEG keeps (the same test: 0.97x). Tried, not shipped (docs/neural-scoring.md).
  kBand,
};

// The names manifests use ("pixel", "band"); false for an unknown name.
bool ParsePatchNoise(const std::string& name, PatchNoise* noise);
const char* PatchNoiseName(PatchNoise noise);

struct PatchGeometry {
  int size_px = 32;          // a square of size_px x size_px samples
  double spacing_mm = 0.1;   // per sample: a 3.2 mm field of view
  int channels = 2;
  PatchNoise noise = PatchNoise::kPixel;  // models without `patch_noise` were trained so
};

// One row per candidate (candidates on the context's grid): a blob of
// candidates.size() x channels x size_px x size_px floats. An empty Mat for no candidates.
cv::Mat ExtractPatches(const CandidateContext& context, const std::vector<Calcification>& candidates,
                       const PatchGeometry& geometry);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_PATCHES_H_

// Training data for the neural candidate scorer (training/train_neural.py,
// docs/neural-scoring.md): every candidate's patch (detector/patches.h) from a set of images,
// labelled 1 when it lies on a simulated calcification of a cluster-forming kind, 0 otherwise
// (the rest of the image, normal-film candidates, simulated benign calcifications and
// artefacts).
//
// Images: realistic synthetic mammograms at 50-200 um (RealisticSyntheticOptions) and real
// normal films with simulated clusters inserted (InsertionSource); every `jpeg_every`-th
// image is passed through lossy JPEG (quality 60-95) first, as clients send them. Most
// candidates are false: each image keeps all true ones and at most `negatives_per_image`
// false ones (drawn from the seed), each with the weight 1 / (fraction kept) that restores
// the true rate for calibration. Deterministic for the seed.
#ifndef MAMMOCAD_EVAL_PATCH_EXPORT_H_
#define MAMMOCAD_EVAL_PATCH_EXPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "detector/patches.h"
#include "eval/fan_out.h"
#include "mammocad/detector_params.h"
#include "mammocad/status.h"

namespace mammocad {

struct PatchExportOptions {
  std::uint64_t seed = 1;
  int images = 300;                  // realistic synthetic images
  std::vector<double> spacings_mm = {0.05, 0.07, 0.1, 0.14, 0.2};  // image i uses i % size
  int max_side_px = 1536;
  std::vector<std::string> normal_films;  // real normal films (at film_spacing_mm)
  double film_spacing_mm = 0.2;
  int jpeg_every = 3;                // 0: never
  // Instead: every image twice, as it is and through JPEG (quality 60-95).
  bool jpeg_copies = false;
  // Hard negatives: benign calcifications (vascular, large round, rim, popcorn, skin) and
  // artefacts (dust, scanner lines, scratches, film edges, labels) drawn into every image
  // (synth/benign.h); their candidates are labelled false like the rest.
  bool benign_and_artefacts = true;
  int negatives_per_image = 200;
  // Scale augmentation: each image is analysed as if its spacing were the true one times a
  // factor drawn from [1 / (1 + j), 1 + j] (log-uniform, from the seed), as clients that send
  // a spacing 20-25% off do (issue 15: detection holds within +-25%). 0: the true spacing.
  double spacing_jitter = 0.0;
  double min_spot_hit_radius_mm = 0.25;
  // The candidate stage (and cluster rule) the scorer is trained behind and will record: by
  // default the learned scorer's band (4.0 sigma, background ratio 2.5, lineness 0.7).
  DetectorParams params = DefaultNeuralStage();
  PatchGeometry geometry;
  int threads = 1;

  static DetectorParams DefaultNeuralStage();
};

struct PatchSet {
  cv::Mat patches;              // N x channels x size x size, float32
  std::vector<std::uint8_t> labels;
  std::vector<float> weights;   // 1 / fraction of the image's false candidates kept (1 if true)
  std::vector<std::int32_t> image_index;  // which image each came from (for held-out splits)
  std::vector<float> contrast;  // the hand-made score's input, to compare against
  int images = 0;
};

Status ExportPatches(const PatchExportOptions& options, const ProgressCallback& progress,
                     PatchSet* set);

// Writes DIR/patches.f32 (raw float32, N x C x S x S), labels.u8, weights.f32, images.i32,
// contrast.f32 and meta.yml (counts, geometry, seed, the fitted settings as `fitted_params`).
// Errors: kIoError naming the file.
Status WritePatchSet(const PatchSet& set, const PatchExportOptions& options,
                     const std::string& dir);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_PATCH_EXPORT_H_

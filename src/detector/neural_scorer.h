// The neural candidate scorer: a small convolutional network over each candidate's patch
// (patches.h: a fixed physical field of view at one canonical spacing), trained with PyTorch
// (training/, docs/neural-scoring.md), exported to ONNX and run here with OpenCV's dnn module,
// candidates batched. Its output logit is calibrated by Platt scaling into the probability
// that the candidate is a calcification of a cluster-forming kind.
//
// A neural model is two files: a manifest (YAML, models/<version>.yml) and the network it
// names (ONNX, beside it). The manifest records the version, provenance, the network's
// SHA-256 (checked at load), the patch geometry, the detector settings it was fitted under
// (model_nodes.h), and the calibrations.
//
// Thread-safety: Score and Logits may run on many threads at once. cv::dnn::Net::forward is
// not re-entrant, so every caller leases its own copy of the network from a pool inside (made
// from the checked ONNX bytes when none is idle); nothing else changes after Load.
#ifndef MAMMOCAD_DETECTOR_NEURAL_SCORER_H_
#define MAMMOCAD_DETECTOR_NEURAL_SCORER_H_

#include <memory>
#include <string>
#include <vector>

#include "detector/fitted_scorer.h"
#include "detector/patches.h"
#include "mammocad/candidate_scorer.h"

namespace mammocad {

// The manifest format this build reads.
inline constexpr int kNeuralModelFormat = 1;

class NeuralScorer final : public FittedScorer {
 public:
  ~NeuralScorer() override;

  // Reads the manifest at `path` and its network. Errors: kIoError (a file missing or
  // unreadable), kBadParameter (not a neural manifest, another format, a checksum that does
  // not match, a network OpenCV cannot run or whose output is not one logit per patch, a
  // fitted setting missing); messages name the file.
  static Status Load(const std::string& path, std::shared_ptr<const NeuralScorer>* scorer);

  std::string_view name() const override { return "neural"; }
  bool ScoresEachCandidateAlone() const override { return true; }  // one patch each
  void Score(const CandidateContext& context,
             std::vector<Calcification>* candidates) const override;
  // Operating points: from the manifest's optional operating_points node (model_nodes.h),
  // measured with `mammocad eval --scorer neural --operating-points` and pasted in.

  // The network's logits for a blob of patches (ExtractPatches), in batches, on up to
  // `threads` threads (each with its own copy of the network; 1: the calling thread only).
  // Empty when the network does not give one logit per patch.
  // Thread-safe: concurrent calls each take a copy from a pool, none waits for another.
  std::vector<float> Logits(const cv::Mat& patches, int threads = 1) const;

  const PatchGeometry& geometry() const { return geometry_; }

 private:
  struct Network;  // the ONNX bytes and a pool of cv::dnn::Net copies (neural_scorer.cc)
  NeuralScorer(FittedModel model, PatchGeometry geometry, std::unique_ptr<Network> network);
  std::unique_ptr<Network> network_;
  PatchGeometry geometry_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_NEURAL_SCORER_H_

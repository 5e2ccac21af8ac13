// The learned scorer's classifier: a regression forest over candidate features (OpenCV ml).
// cv::ml stays inside random_forest.cc; this header shows only what the scorer, the model
// file and training use.
//
// Thread-safety: a trained or read forest is immutable; Predict may be called from many
// threads at once (OpenCV's predict is not re-entrant, so calls are serialised inside).
#ifndef MAMMOCAD_DETECTOR_RANDOM_FOREST_H_
#define MAMMOCAD_DETECTOR_RANDOM_FOREST_H_

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "mammocad/status.h"

namespace mammocad {

class RandomForest {
 public:
  ~RandomForest();

  // Trains on rows of `features` (all of one length) with 0/1 labels: 60 trees of depth 10.
  // Deterministic for `seed`. Errors: kBadParameter (no rows, mismatched sizes), kInternal.
  static Status Train(const std::vector<std::vector<float>>& features,
                      const std::vector<int>& labels, std::uint64_t seed,
                      std::shared_ptr<const RandomForest>* forest);

  // Reads a forest written by Write. Errors: kBadParameter (not a forest, or not one of
  // `feature_count` features).
  static Status Read(const cv::FileNode& node, int feature_count,
                     std::shared_ptr<const RandomForest>* forest);

  // Writes the forest into the open map node of `storage`.
  void Write(cv::FileStorage& storage) const;

  // The mean tree vote (about [0, 1]) for each row.
  std::vector<double> Predict(const std::vector<std::vector<float>>& features) const;

 private:
  struct Impl;
  explicit RandomForest(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_RANDOM_FOREST_H_

// The candidate-scoring options shared by `serve`, `detect` and `eval`: which scorer,
// which model file, and whether a missing model may fall back to the hand-made score.
#ifndef MAMMOCAD_CLI_SCORER_FLAGS_H_
#define MAMMOCAD_CLI_SCORER_FLAGS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "mammocad/detector.h"

namespace mammocad {

struct ScorerFlags {
  // "handmade" (the default) or "learned". The learned scorer is not the default: the shipped
  // model matches or beats the hand-made score on mini-MIAS dev at 0.5 and 1 FP/image, but
  // models trained with other seeds fall behind at 0.5 (docs/learned-scoring.md).
  std::string scorer = "handmade";
  std::string model_path;           // empty: DefaultModelPath()
  bool fallback_to_handmade = false;
  std::vector<std::string> param_overrides;  // "name=value" (eval only, for tuning)
};

// models/calc-v3.yml of the source tree this binary was built from.
std::string DefaultModelPath();

void AddScorerOptions(CLI::App* command, ScorerFlags* flags);

// The detector the flags ask for. With the learned scorer, a missing or corrupt model is an
// error (message naming the file) unless fallback_to_handmade, which logs a warning.
Status MakeDetector(const ScorerFlags& flags, std::unique_ptr<Detector>* detector);

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_SCORER_FLAGS_H_

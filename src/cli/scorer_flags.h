// The candidate-scoring options shared by `serve`, `detect` and `eval`: which scorer, which
// model file, and whether a missing model may fall back to the hand-made score. They fill a
// ScorerChoice (mammocad/detector.h), which MakeDetector turns into a detector.
#ifndef MAMMOCAD_CLI_SCORER_FLAGS_H_
#define MAMMOCAD_CLI_SCORER_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "mammocad/detector.h"

namespace mammocad {

using ScorerFlags = ScorerChoice;

// The scorer of `serve`, `detect` and `eval` when --scorer is not given: the one that wins
// issue 15's rule on films no model of it saw (docs/neural-scoring.md, "The served default").
inline constexpr const char* kServedScorer = "neural";
// The operating point of `serve` and `detect` for requests and runs that name none: about
// 0.5 false clusters per image on mini-MIAS dev (README, "Operating points"); `all` keeps
// every finding.
inline constexpr const char* kServedOperatingPoint = "balanced";

// The shipped model of `scorer` ("learned" or "neural"), found relative to this binary
// (cli/model_dir.h).
std::string DefaultModelPath(const std::string& scorer);

// Adds --scorer (default kServedScorer), --model and --model-fallback to `command`.
void AddScorerOptions(CLI::App* command, ScorerFlags* flags);

// `flags` with the default model path filled in when none was given.
ScorerChoice WithDefaultModel(ScorerFlags flags);

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_SCORER_FLAGS_H_

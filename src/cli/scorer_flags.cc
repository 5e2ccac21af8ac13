#include "cli/scorer_flags.h"

#include "cli/model_dir.h"

namespace mammocad {

std::string DefaultModelPath(const std::string& scorer) {
  return ModelDirectory() + (scorer == "neural" ? "/calc-nn-v4.yml" : "/calc-v3.yml");
}

void AddScorerOptions(CLI::App* command, ScorerFlags* flags) {
  flags->scorer = kServedScorer;
  command->add_option("--scorer", flags->scorer,
                      "candidate score: neural (network model), learned (forest model) or "
                      "handmade (contrast logistic, no model file)")
      ->check(CLI::IsMember(ScorerNames()))->capture_default_str();
  command->add_option("--model", flags->model_path,
                      "model of the learned or neural scorer (default: " + DefaultModelPath("learned") +
                          ", " + DefaultModelPath("neural") + ")");
  command->add_flag("--model-fallback", flags->fallback_to_handmade,
                    "if the model cannot be loaded, use the hand-made score instead of failing");
}

ScorerChoice WithDefaultModel(ScorerFlags flags) {
  if (flags.model_path.empty()) flags.model_path = DefaultModelPath(flags.scorer);
  return flags;
}

}  // namespace mammocad

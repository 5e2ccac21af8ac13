#include "cli/scorer_flags.h"

#include "cli/model_dir.h"

namespace mammocad {

std::string DefaultModelPath() { return ModelDirectory() + "/calc-v3.yml"; }

void AddScorerOptions(CLI::App* command, ScorerFlags* flags) {
  command->add_option("--scorer", flags->scorer,
                      "candidate score: handmade (contrast logistic) or learned (model file)")
      ->check(CLI::IsMember(ScorerNames()))->capture_default_str();
  command->add_option("--model", flags->model_path,
                      "learned scorer model (default: " + DefaultModelPath() + ")");
  command->add_flag("--model-fallback", flags->fallback_to_handmade,
                    "if the model cannot be loaded, use the hand-made score instead of failing");
}

ScorerChoice WithDefaultModel(ScorerFlags flags) {
  if (flags.model_path.empty()) flags.model_path = DefaultModelPath();
  return flags;
}

}  // namespace mammocad

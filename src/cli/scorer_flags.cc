#include "cli/scorer_flags.h"

#include <cstdio>

#include "mammocad/param_overrides.h"
#include "mammocad/scoring.h"

namespace mammocad {

std::string DefaultModelPath() { return std::string(MAMMOCAD_MODEL_DIR) + "/calc-v1.yml"; }

void AddScorerOptions(CLI::App* command, ScorerFlags* flags) {
  command->add_option("--scorer", flags->scorer,
                      "candidate score: handmade (contrast logistic) or learned (model file)")
      ->check(CLI::IsMember({"handmade", "learned"}))->capture_default_str();
  command->add_option("--model", flags->model_path,
                      "learned scorer model (default: " + DefaultModelPath() + ")");
  command->add_flag("--model-fallback", flags->fallback_to_handmade,
                    "if the model cannot be loaded, use the hand-made score instead of failing");
}

Status MakeDetector(const ScorerFlags& flags, std::unique_ptr<Detector>* detector) {
  DetectorParams overridden;
  for (const std::string& assignment : flags.param_overrides) {
    if (Status s = ApplyParamOverride(assignment, &overridden); !s.ok()) return s;
  }
  if (flags.scorer != "learned") {
    *detector = std::make_unique<Detector>(overridden);
    return Status::Ok();
  }
  const std::string path = flags.model_path.empty() ? DefaultModelPath() : flags.model_path;
  std::shared_ptr<const CandidateScorer> scorer;
  const Status s = CandidateScorer::Load(path, &scorer);
  if (!s.ok()) {
    if (!flags.fallback_to_handmade) return s;
    std::fprintf(stderr, "mammocad: warning: %s; falling back to the hand-made score\n",
                 s.message().c_str());
    *detector = std::make_unique<Detector>(overridden);
    return Status::Ok();
  }
  // The candidate stage is the model's; the overrides apply to the rest.
  *detector = std::make_unique<Detector>(ParamsForScorer(*scorer, overridden), scorer);
  return Status::Ok();
}

}  // namespace mammocad

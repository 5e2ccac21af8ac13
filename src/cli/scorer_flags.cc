#include "cli/scorer_flags.h"

#include <cstdio>

#include "detector/param_overrides.h"
#include "mammocad/scoring.h"

namespace mammocad {

std::string DefaultModelPath() { return std::string(MAMMOCAD_MODEL_DIR) + "/calc-v3.yml"; }

void AddScorerOptions(CLI::App* command, ScorerFlags* flags) {
  command->add_option("--scorer", flags->scorer,
                      "candidate score: handmade (contrast logistic) or learned (model file)")
      ->check(CLI::IsMember({"handmade", "learned"}))->capture_default_str();
  command->add_option("--model", flags->model_path,
                      "learned scorer model (default: " + DefaultModelPath() + ")");
  command->add_flag("--model-fallback", flags->fallback_to_handmade,
                    "if the model cannot be loaded, use the hand-made score instead of failing");
}

namespace {

// `params` with every --param assignment applied, in order.
Status ApplyOverrides(const ScorerFlags& flags, DetectorParams* params) {
  for (const std::string& assignment : flags.param_overrides) {
    if (Status s = ApplyParamOverride(assignment, params); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status MakeDetector(const ScorerFlags& flags, std::unique_ptr<Detector>* detector) {
  DetectorParams overridden;
  if (Status s = ApplyOverrides(flags, &overridden); !s.ok()) return s;
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
  // The model's settings first, then the overrides (e.g. its member floor may be tuned); the
  // candidate stage stays the model's, since the model only knows those candidates.
  DetectorParams params = ParamsForScorer(*scorer, DetectorParams());
  if (Status s = ApplyOverrides(flags, &params); !s.ok()) return s;
  *detector = std::make_unique<Detector>(WithCandidateStageOf(*scorer, params), scorer);
  return Status::Ok();
}

}  // namespace mammocad

// The candidate scorers (mammocad/candidate_scorer.h) and MakeDetector, the one place where a
// detector's scorer is chosen.
#include <cmath>
#include <cstdio>

#include "detector/handmade_scorer.h"
#include "detector/model_file.h"
#include "detector/neural_scorer.h"
#include "detector/param_overrides.h"
#include "mammocad/candidate_scorer.h"
#include "mammocad/detector.h"

namespace mammocad {
namespace {

class Handmade final : public CandidateScorer {
 public:
  std::string_view name() const override { return "handmade"; }
  void Score(const CandidateContext& context,
             std::vector<Calcification>* candidates) const override {
    for (Calcification& c : *candidates) c.score = HandmadeCandidateScore(c.contrast, context.params);
  }
  // Printed by `mammocad eval --images DIR --truth DIR/annotations.txt --operating-points`
  // on the mini-MIAS dev split (README.md, "Operating points"); the eval_data test
  // ShippedOperatingPoints.MatchTheDevSplit re-measures them. The curve ends at 0.38
  // FP/image, so balanced and high_sensitivity are the same point.
  const std::vector<NamedOperatingPoint>& OperatingPoints() const override {
    static const std::vector<NamedOperatingPoint> points = {
        {"high_specificity", 0.139, 0.3571, 0.2346, "mini-mias-dev, 162 images"},
        {"balanced", 0.04, 0.5714, 0.3642, "mini-mias-dev, 162 images"},
        {"high_sensitivity", 0.04, 0.5714, 0.3642, "mini-mias-dev, 162 images"},
    };
    return points;
  }
};

// `params` with every --param assignment applied, in order.
Status ApplyOverrides(const ScorerChoice& choice, DetectorParams* params) {
  for (const std::string& assignment : choice.param_overrides) {
    if (Status s = ApplyParamOverride(assignment, params); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

const std::vector<NamedOperatingPoint>& CandidateScorer::OperatingPoints() const {
  static const std::vector<NamedOperatingPoint> none;
  return none;
}

double HandmadeCandidateScore(double contrast_sigma, const DetectorParams& p) {
  return 1.0 / (1.0 + std::exp(-(contrast_sigma - p.score_midpoint_sigma) / p.score_slope_sigma));
}

std::shared_ptr<const CandidateScorer> HandmadeScorer() {
  static const std::shared_ptr<const CandidateScorer> scorer = std::make_shared<Handmade>();
  return scorer;
}

Status LoadLearnedScorer(const std::string& path, std::shared_ptr<const CandidateScorer>* scorer) {
  std::shared_ptr<const LearnedScorer> learned;
  if (Status s = LoadModelFile(path, &learned); !s.ok()) return s;
  *scorer = std::move(learned);
  return Status::Ok();
}

const std::vector<std::string>& ScorerNames() {
  static const std::vector<std::string> names = {"handmade", "learned", "neural"};
  return names;
}

Status MakeDetector(const ScorerChoice& choice, std::unique_ptr<Detector>* detector) {
  std::shared_ptr<const CandidateScorer> scorer = HandmadeScorer();
  if (choice.scorer == "learned" || choice.scorer == "neural") {
    Status s;
    if (choice.scorer == "learned") {
      s = LoadLearnedScorer(choice.model_path, &scorer);
    } else {
      std::shared_ptr<const NeuralScorer> neural;
      s = NeuralScorer::Load(choice.model_path, &neural);
      if (s.ok()) scorer = std::move(neural);
    }
    if (!s.ok() && !choice.fallback_to_handmade) return s;
    if (!s.ok()) {
      std::fprintf(stderr, "mammocad: warning: %s; falling back to the hand-made score\n",
                   s.message().c_str());
      scorer = HandmadeScorer();
    }
  } else if (choice.scorer != "handmade") {
    return Status(ErrorCode::kBadParameter,
                  "unknown scorer '" + choice.scorer + "': use handmade, learned or neural");
  }
  // The scorer's fitted settings first, then the overrides: an override of a fitted setting
  // is refused by Create (the model knows only its own candidates and clusters).
  DetectorParams params = scorer->FittedParams(DetectorParams());
  if (Status s = ApplyOverrides(choice, &params); !s.ok()) return s;
  auto made = std::make_unique<Detector>();
  if (Status s = Detector::Create(params, std::move(scorer), made.get()); !s.ok()) return s;
  *detector = std::move(made);
  return Status::Ok();
}

}  // namespace mammocad

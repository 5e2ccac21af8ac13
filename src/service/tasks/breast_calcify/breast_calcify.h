// The BreastCalcify task: clusters of calcifications (or each calcification, level=
// calcification) found by the calcification detector (mammocad/detector.h). Its form values:
//   min_score      drop findings scoring below this (0-1)
//   pixel_spacing  mm per pixel, overriding the file's (DetectorParams' spacing range)
//   level          "cluster" (default) or "calcification"
//   operating_point  one of the scorer's named cluster-score thresholds (CandidateScorer::
//                  OperatingPoints); with min_score the higher threshold holds; not applied to
//                  calcification findings. TaskSettings::operating_point is the default.
// and, from the front end (TaskSettings), the default spacing for images that state none.
#ifndef MAMMOCAD_SERVICE_TASKS_BREAST_CALCIFY_BREAST_CALCIFY_H_
#define MAMMOCAD_SERVICE_TASKS_BREAST_CALCIFY_BREAST_CALCIFY_H_

#include <memory>
#include <string>
#include <vector>

#include "service/task.h"

namespace mammocad {

// Thread-safety: immutable; shares its Detector (itself immutable) between threads.
class BreastCalcifyTask final : public DetectionTask {
 public:
  static constexpr const char* kName = "BreastCalcify";

  // The option table (min_score, pixel_spacing, level, operating_point), usable before a task
  // is made.
  static const std::vector<TaskOption>& Options();

  // The task with the detector `settings.scorer` asks for, the settings' default spacing and
  // default operating point. Errors: those of MakeDetector; kBadParameter naming
  // default-pixel-spacing (the flag and INI key) when it lies outside the detector's spacing
  // range (the one pixel_spacing has); kBadParameter, naming the known points, when the
  // scorer lacks settings.operating_point.
  static Status Make(const TaskSettings& settings, std::unique_ptr<const DetectionTask>* task);

  // Takes ownership of `detector` (not null). `default_spacing_mm` (0: none) goes into every
  // request's DetectOptions::default_spacing_mm; Make checks its range.
  // `default_operating_point` (empty: none) must be one of its scorer's points; requests that
  // name none get it.
  explicit BreastCalcifyTask(std::unique_ptr<const Detector> detector,
                             double default_spacing_mm = 0.0,
                             std::string default_operating_point = {});

  const std::string& name() const override { return name_; }
  const std::vector<TaskOption>& options() const override { return Options(); }
  Status ParseOptions(const OptionLookup& lookup, DetectOptions* options) const override;
  const std::vector<NamedOperatingPoint>& OperatingPoints() const override {
    return detector_->scorer().OperatingPoints();
  }
  std::string DefaultOperatingPoint() const override { return default_operating_point_; }
  Status Run(const Image& image, const DetectOptions& options,
             DetectionResult* result) const override;

 private:
  const std::string name_ = kName;
  std::unique_ptr<const Detector> detector_;
  const double default_spacing_mm_;
  std::string default_operating_point_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_TASKS_BREAST_CALCIFY_BREAST_CALCIFY_H_

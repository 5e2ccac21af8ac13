// The BreastCalcify task: clusters of calcifications (or each calcification, level=
// calcification) found by the calcification detector (mammocad/detector.h). Its form values:
//   min_score      drop findings scoring below this (0-1)
//   pixel_spacing  mm per pixel, overriding the file's (DetectorParams' spacing range)
//   level          "cluster" (default) or "calcification"
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

  // The option table (min_score, pixel_spacing, level), usable before a task is made.
  static const std::vector<TaskOption>& Options();

  // The task with the detector `settings.scorer` asks for. Errors: those of MakeDetector.
  static Status Make(const TaskSettings& settings, std::unique_ptr<const DetectionTask>* task);

  // Takes ownership of `detector` (not null).
  explicit BreastCalcifyTask(std::unique_ptr<const Detector> detector);

  const std::string& name() const override { return name_; }
  const std::vector<TaskOption>& options() const override { return Options(); }
  Status ParseOptions(const OptionLookup& lookup, DetectOptions* options) const override;
  Status Run(const Image& image, const DetectOptions& options,
             DetectionResult* result) const override;

 private:
  const std::string name_ = kName;
  std::unique_ptr<const Detector> detector_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_TASKS_BREAST_CALCIFY_BREAST_CALCIFY_H_

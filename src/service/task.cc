#include "service/task.h"

namespace mammocad {

Status ParseTaskOptions(const std::vector<TaskOption>& table, const OptionLookup& lookup,
                        const Detector& detector, DetectOptions* options) {
  *options = DetectOptions();
  for (const TaskOption& option : table) {
    // An empty value means "the default": HTML forms send empty fields.
    std::optional<std::string> text = lookup(option.name);
    if (!text || text->empty()) continue;
    if (Status status = option.parse(*text, detector, options); !status.ok()) return status;
  }
  return Status::Ok();
}

const std::vector<NamedOperatingPoint>& DetectionTask::OperatingPoints() const {
  static const std::vector<NamedOperatingPoint> none;
  return none;
}

}  // namespace mammocad

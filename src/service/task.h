// DetectionTask: one kind of finding the service looks for in a mammogram. The old service
// ("object-masking") served each task at /detection/<Task>; BreastCalcify was its first and
// is today's only one. A task names itself (its routes derive from the name), declares the
// form values it reads as a table, and runs on one decoded image. Tasks share the result
// types (mammocad/findings.h, DetectionResult) so that the legacy and v2 replies
// (service/replies.h) fit every task.
//
// To add a task: a folder under src/service/tasks/, its sources in src/service/CMakeLists.txt
// and one row in task_registry.cc.
#ifndef MAMMOCAD_SERVICE_TASK_H_
#define MAMMOCAD_SERVICE_TASK_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mammocad/candidate_scorer.h"
#include "mammocad/detector.h"
#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

// What the front end knows when it makes the tasks (CLI flags or the server's config).
struct TaskSettings {
  ScorerChoice scorer;  // the candidate scorer and parameter overrides
  // The spacing (mm per pixel) for images whose request and file state none (serve/detect
  // --default-pixel-spacing): a department whose clients never send pixel_spacing knows its
  // detectors. Carried into every request's DetectOptions::default_spacing_mm; a task refuses
  // a value outside its detector's spacing range (kBadParameter) when it is made.
  std::optional<double> default_spacing_mm;
  // The operating point of requests that name none (`serve --operating-point`); empty: none.
  std::string operating_point;
};

// The value of a named request field (form value, query parameter, CLI flag), if present.
using OptionLookup = std::function<std::optional<std::string>(const std::string& name)>;

// One form value a task reads. The CLI offers it as the flag --<name with '_' as '-'>.
struct TaskOption {
  // How the CLI reads the flag (forms always send text): a number flag is refused by the
  // command-line parser itself when it is no number, as `detect` always did.
  enum class Kind { kNumber, kText };

  std::string name;  // the form field, e.g. "min_score"
  std::string help;  // one line, for --help
  Kind kind;
  // Applies `text` (never empty) to `options`; `detector` is the task's (its parameters for
  // ranges such as the pixel spacing's, its scorer's operating points). Errors: kBadParameter
  // naming the field and what it accepts.
  Status (*parse)(const std::string& text, const Detector& detector, DetectOptions* options);
};

// `options` reset to the defaults, then every option of `table` that `lookup` finds with a
// non-empty value applied, in table order (so the first bad one is reported). Fields not in
// the table are never asked for: unknown form values are ignored.
Status ParseTaskOptions(const std::vector<TaskOption>& table, const OptionLookup& lookup,
                        const Detector& detector, DetectOptions* options);

// Thread-safety: a task is immutable once made; every method may run on many threads at once.
// Methods never throw on bad input (they return a Status).
class DetectionTask {
 public:
  virtual ~DetectionTask() = default;

  // "BreastCalcify": the routes are /detection/<name> (legacy) and /v2/detection/<name>.
  virtual const std::string& name() const = 0;

  // The form values this task reads (the same table its registration names).
  virtual const std::vector<TaskOption>& options() const = 0;

  // This task's options from a request, with the settings' default spacing. Errors:
  // kBadParameter, naming the field.
  virtual Status ParseOptions(const OptionLookup& lookup, DetectOptions* options) const = 0;

  // Finds this task's findings in one decoded image. Errors: as Detector::Detect.
  virtual Status Run(const Image& image, const DetectOptions& options,
                     DetectionResult* result) const = 0;

  // The named operating points a request may choose (`operating_point`), and the one it gets
  // when it names none (empty: none); for clients that offer the choice (the viewer).
  virtual const std::vector<NamedOperatingPoint>& OperatingPoints() const;
  virtual std::string DefaultOperatingPoint() const { return {}; }
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_TASK_H_

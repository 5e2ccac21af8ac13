// The flags of the detection tasks, shared by `detect` and `batch` (and, for TaskFlags,
// `serve`): each task option as a flag, read through the task's own option table so that the
// CLI accepts and refuses what the HTTP form does, and the task settings (scorer flags,
// --default-pixel-spacing, the default operating point).
#ifndef MAMMOCAD_CLI_TASK_FLAGS_H_
#define MAMMOCAD_CLI_TASK_FLAGS_H_

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>

#include "cli/scorer_flags.h"
#include "service/task.h"

namespace mammocad {

// The detection tasks' option flags (--min-score, --pixel-spacing, --level, ...), declared
// from the registry's option tables so that `detect` reads what the HTTP form reads.
struct TaskOptionFlags {
  std::map<std::string, std::optional<double>> numbers;   // by option name
  std::map<std::string, std::optional<std::string>> texts;
};

// One flag per option name, shared by every task that reads it.
void AddTaskOptionFlags(CLI::App* command, TaskOptionFlags* flags);

// The flags' values go through the task's own option parser, as HTTP form values do, so both
// front ends accept and refuse the same things. Errors: kBadParameter, also for a flag given
// that `task` does not read.
Status OptionsFromFlags(const TaskOptionFlags& flags, const DetectionTask& task,
                        DetectOptions* options);

// The front end's settings for its tasks (TaskSettings), as `serve` and `detect` both take
// them: the scorer flags and --default-pixel-spacing.
struct TaskFlags {
  ScorerFlags scorer;
  std::optional<double> default_spacing_mm;
  std::string operating_point;  // for requests (serve) and runs (detect) that name none
};

void AddTaskFlags(CLI::App* command, TaskFlags* flags);
TaskSettings SettingsFromFlags(const TaskFlags& flags);

// detect's and batch's own --operating-point (a task option) stands in for the default too,
// so that a model without points runs with `--operating-point all`.
void UseOperatingPointFlag(const TaskOptionFlags& flags, TaskFlags* task_flags);

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_TASK_FLAGS_H_

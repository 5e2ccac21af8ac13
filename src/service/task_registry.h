// The one table of detection tasks. The analyzer, the route table (server/routes.h) and the
// CLI (`serve`, `detect --task`) all take their tasks from here, so a new task is one new
// folder under tasks/ and one row in task_registry.cc.
//
// Thread-safety: the table is constant; the functions may run on any thread.
#ifndef MAMMOCAD_SERVICE_TASK_REGISTRY_H_
#define MAMMOCAD_SERVICE_TASK_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "service/task.h"

namespace mammocad {

using TaskFactory = Status (*)(const TaskSettings& settings,
                               std::unique_ptr<const DetectionTask>* task);

struct TaskRegistration {
  std::string name;  // equal to the made task's name()
  // The task's option table, known before the task is made (the CLI declares its flags
  // from it before it has parsed the scorer flags a task needs).
  const std::vector<TaskOption>& (*options)();
  TaskFactory make;  // errors: the task's own (e.g. a model that cannot be loaded)
};

// Every task, in the order their routes are listed.
const std::vector<TaskRegistration>& RegisteredTasks();

// The registration named `name` (case-sensitive, as the route), or null.
const TaskRegistration* FindTask(std::string_view name);

// The task named `name`. Errors: kBadParameter for an unknown name (listing the known ones);
// otherwise the factory's.
Status MakeTask(std::string_view name, const TaskSettings& settings,
                std::unique_ptr<const DetectionTask>* task);

// Every registered task, in registration order. Errors: the first factory's that fails
// (`tasks` is then left as it was).
Status MakeTasks(const TaskSettings& settings,
                 std::vector<std::unique_ptr<const DetectionTask>>* tasks);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_TASK_REGISTRY_H_

#include "service/task_registry.h"

#include "service/tasks/breast_calcify/breast_calcify.h"

namespace mammocad {

const std::vector<TaskRegistration>& RegisteredTasks() {
  static const std::vector<TaskRegistration> tasks = {
      {BreastCalcifyTask::kName, &BreastCalcifyTask::Options, &BreastCalcifyTask::Make},
  };
  return tasks;
}

const TaskRegistration* FindTask(std::string_view name) {
  for (const TaskRegistration& task : RegisteredTasks())
    if (task.name == name) return &task;
  return nullptr;
}

Status MakeTask(std::string_view name, const TaskSettings& settings,
                std::unique_ptr<const DetectionTask>* task) {
  const TaskRegistration* registration = FindTask(name);
  if (registration == nullptr) {
    std::string known;
    for (const TaskRegistration& known_task : RegisteredTasks())
      known += (known.empty() ? "" : ", ") + known_task.name;
    return Status(ErrorCode::kBadParameter,
                  "unknown task '" + std::string(name.substr(0, 40)) + "': use " + known);
  }
  return registration->make(settings, task);
}

Status MakeTasks(const TaskSettings& settings,
                 std::vector<std::unique_ptr<const DetectionTask>>* tasks) {
  std::vector<std::unique_ptr<const DetectionTask>> made;
  for (const TaskRegistration& registration : RegisteredTasks()) {
    std::unique_ptr<const DetectionTask> task;
    if (Status status = registration.make(settings, &task); !status.ok()) return status;
    made.push_back(std::move(task));
  }
  *tasks = std::move(made);
  return Status::Ok();
}

}  // namespace mammocad

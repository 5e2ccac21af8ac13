#include "cli/task_flags.h"

#include <algorithm>
#include <sstream>

#include "service/task_registry.h"

namespace mammocad {
namespace {

std::string FlagName(const std::string& option_name) {
  std::string flag = "--" + option_name;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

}  // namespace

void AddTaskOptionFlags(CLI::App* command, TaskOptionFlags* flags) {
  for (const TaskRegistration& task : RegisteredTasks()) {
    for (const TaskOption& option : task.options()) {
      if (flags->numbers.count(option.name) || flags->texts.count(option.name)) continue;
      if (option.kind == TaskOption::Kind::kNumber) {
        command->add_option(FlagName(option.name), flags->numbers[option.name], option.help);
      } else {
        command->add_option(FlagName(option.name), flags->texts[option.name], option.help);
      }
    }
  }
}

Status OptionsFromFlags(const TaskOptionFlags& flags, const DetectionTask& task,
                        DetectOptions* options) {
  auto value = [&flags](const std::string& name) -> std::optional<std::string> {
    if (auto it = flags.numbers.find(name); it != flags.numbers.end() && it->second) {
      std::ostringstream text;
      text.precision(17);
      text << *it->second;
      return text.str();
    }
    if (auto it = flags.texts.find(name); it != flags.texts.end()) return it->second;
    return std::nullopt;
  };
  auto reads = [&task](const std::string& name) {
    return std::any_of(task.options().begin(), task.options().end(),
                       [&name](const TaskOption& option) { return option.name == name; });
  };
  for (const TaskRegistration& registered : RegisteredTasks()) {
    for (const TaskOption& option : registered.options()) {
      if (value(option.name) && !reads(option.name)) {
        return Status(ErrorCode::kBadParameter,
                      FlagName(option.name) + " is not an option of the task " + task.name());
      }
    }
  }
  return task.ParseOptions(value, options);
}

void AddTaskFlags(CLI::App* command, TaskFlags* flags) {
  AddScorerOptions(command, &flags->scorer);
  command->add_option("--default-pixel-spacing", flags->default_spacing_mm,
                      "mm per pixel of images whose request and file state none (else the "
                      "longer side is assumed to span " +
                          std::to_string(int(DetectorParams().assumed_field_of_view_mm)) +
                          " mm)");
}

TaskSettings SettingsFromFlags(const TaskFlags& flags) {
  return TaskSettings{WithDefaultModel(flags.scorer), flags.default_spacing_mm,
                      flags.operating_point};
}

void UseOperatingPointFlag(const TaskOptionFlags& flags, TaskFlags* task_flags) {
  if (const auto point = flags.texts.find("operating_point");
      point != flags.texts.end() && point->second) {
    task_flags->operating_point = *point->second;
  }
}

}  // namespace mammocad

#include "service/task_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace mammocad {
namespace {

OptionLookup Form(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

class BreastCalcifyOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status status = MakeTask("BreastCalcify", TaskSettings(), &task_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  std::unique_ptr<const DetectionTask> task_;
};

TEST(TaskRegistryTest, BreastCalcifyIsRegisteredUnderItsOwnName) {
  const TaskRegistration* registration = FindTask("BreastCalcify");
  ASSERT_NE(registration, nullptr);
  std::unique_ptr<const DetectionTask> task;
  ASSERT_TRUE(registration->make(TaskSettings(), &task).ok());
  EXPECT_EQ(task->name(), "BreastCalcify");
  EXPECT_EQ(&task->options(), &registration->options());
  std::vector<std::string> names;
  for (const TaskOption& option : task->options()) names.push_back(option.name);
  EXPECT_EQ(names, (std::vector<std::string>{"min_score", "pixel_spacing", "level"}));
}

TEST(TaskRegistryTest, MakeTasksMakesEveryRegisteredTask) {
  std::vector<std::unique_ptr<const DetectionTask>> tasks;
  ASSERT_TRUE(MakeTasks(TaskSettings(), &tasks).ok());
  ASSERT_EQ(tasks.size(), RegisteredTasks().size());
  for (std::size_t i = 0; i < tasks.size(); ++i)
    EXPECT_EQ(tasks[i]->name(), RegisteredTasks()[i].name);
}

TEST(TaskRegistryTest, UnknownTaskIsRefused) {
  EXPECT_EQ(FindTask("Masses"), nullptr);
  EXPECT_EQ(FindTask("breastcalcify"), nullptr);  // routes are case-sensitive
  std::unique_ptr<const DetectionTask> task;
  Status status = MakeTask("Masses", TaskSettings(), &task);
  EXPECT_EQ(status.code(), ErrorCode::kBadParameter);
  EXPECT_NE(status.message().find("BreastCalcify"), std::string::npos) << status.message();
  EXPECT_EQ(task, nullptr);
}

TEST(TaskRegistryTest, FactoryErrorsComeBack) {
  TaskSettings settings;
  settings.scorer.scorer = "oracle";
  std::vector<std::unique_ptr<const DetectionTask>> tasks;
  EXPECT_EQ(MakeTasks(settings, &tasks).code(), ErrorCode::kBadParameter);
  EXPECT_TRUE(tasks.empty());
}

TEST(TaskSettingsTest, TheDefaultSpacingReachesEveryRequestsOptions) {
  TaskSettings settings;
  settings.default_spacing_mm = 0.085;
  std::unique_ptr<const DetectionTask> task;
  ASSERT_TRUE(MakeTask("BreastCalcify", settings, &task).ok());
  for (int request = 0; request < 2; ++request) {
    DetectOptions options;
    options.default_spacing_mm = 0.5;  // reset by the parser, then the setting
    ASSERT_TRUE(task->ParseOptions(Form({{"pixel_spacing", "0.07"}}), &options).ok());
    EXPECT_DOUBLE_EQ(options.default_spacing_mm, 0.085);
    EXPECT_DOUBLE_EQ(options.spacing_override_mm, 0.07);  // the request's still comes first
  }
  // Without the setting there is no default.
  ASSERT_TRUE(MakeTask("BreastCalcify", TaskSettings(), &task).ok());
  DetectOptions options;
  ASSERT_TRUE(task->ParseOptions(Form({}), &options).ok());
  EXPECT_EQ(options.default_spacing_mm, 0.0);
}

TEST(TaskSettingsTest, ADefaultSpacingOutsideTheRangeIsRefusedWhenTheTaskIsMade) {
  for (double bad : {0.0, -0.1, 0.001, 5.0, std::nan("")}) {
    TaskSettings settings;
    settings.default_spacing_mm = bad;
    std::unique_ptr<const DetectionTask> task;
    Status status = MakeTask("BreastCalcify", settings, &task);
    EXPECT_EQ(status.code(), ErrorCode::kBadParameter) << bad;
    EXPECT_EQ(task, nullptr);
    EXPECT_EQ(status.message().rfind("default-pixel-spacing must be the mm per pixel, from 0.02 "
                                     "to 1.00, got '",
                                     0),
              0u)
        << status.message();
  }
  TaskSettings settings;
  settings.default_spacing_mm = 5.0;
  std::unique_ptr<const DetectionTask> task;
  EXPECT_EQ(MakeTask("BreastCalcify", settings, &task).message(),
            "default-pixel-spacing must be the mm per pixel, from 0.02 to 1.00, got '5'");
  for (double edge : {0.02, 1.0}) {
    settings.default_spacing_mm = edge;
    EXPECT_TRUE(MakeTask("BreastCalcify", settings, &task).ok()) << edge;
  }
}

TEST_F(BreastCalcifyOptionsTest, DefaultsWhenAbsentOrEmpty) {
  DetectOptions options;
  options.min_score = 0.5;  // reset by the parser
  ASSERT_TRUE(task_->ParseOptions(Form({{"min_score", ""}}), &options).ok());
  EXPECT_EQ(options.level, FindingLevel::kCluster);
  EXPECT_EQ(options.min_score, 0.0);
  EXPECT_EQ(options.spacing_override_mm, 0.0);
}

TEST_F(BreastCalcifyOptionsTest, ReadsEveryValueAndIgnoresUnknownOnes) {
  DetectOptions options;
  ASSERT_TRUE(task_->ParseOptions(Form({{"min_score", "0.25"}, {"pixel_spacing", "0.07"},
                                        {"level", "calcification"}, {"other", "ignored"}}),
                                  &options)
                  .ok());
  EXPECT_DOUBLE_EQ(options.min_score, 0.25);
  EXPECT_DOUBLE_EQ(options.spacing_override_mm, 0.07);
  EXPECT_EQ(options.level, FindingLevel::kCalcification);
}

TEST_F(BreastCalcifyOptionsTest, RefusesBadValuesNamingTheField) {
  for (auto [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"min_score", "x"}, {"min_score", "-0.1"}, {"min_score", "1.5"},
           {"min_score", "0.5abc"}, {"pixel_spacing", "0"}, {"pixel_spacing", "inf"},
           {"pixel_spacing", "nan"}, {"pixel_spacing", "5"}, {"level", "Cluster"},
           {"level", "lesion"}}) {
    DetectOptions options;
    Status status = task_->ParseOptions(Form({{field, value}}), &options);
    EXPECT_EQ(status.code(), ErrorCode::kBadParameter) << field << "=" << value;
    EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
    EXPECT_NE(status.message().find(value), std::string::npos) << status.message();
  }
}

TEST_F(BreastCalcifyOptionsTest, SpacingMessageStatesTheRange) {
  DetectOptions options;
  Status status = task_->ParseOptions(Form({{"pixel_spacing", "5"}}), &options);
  EXPECT_EQ(status.message(), "pixel_spacing must be the mm per pixel, from 0.02 to 1.00, got '5'");
}

TEST_F(BreastCalcifyOptionsTest, TheFirstBadValueInTableOrderIsReported) {
  DetectOptions options;
  Status status = task_->ParseOptions(
      Form({{"level", "lesion"}, {"pixel_spacing", "9"}, {"min_score", "2"}}), &options);
  EXPECT_EQ(status.message().rfind("min_score", 0), 0u) << status.message();
}

}  // namespace
}  // namespace mammocad

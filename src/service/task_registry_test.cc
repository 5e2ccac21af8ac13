#include "service/task_registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "service/tasks/breast_calcify/breast_calcify.h"

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
  EXPECT_EQ(names, (std::vector<std::string>{"min_score", "pixel_spacing", "level",
                                             "operating_point"}));
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
           {"level", "lesion"}, {"operating_point", "bogus"}, {"operating_point", "Balanced"}}) {
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

// The hand-made scorer's points, as the task reads them.
double HandmadeThreshold(const std::string& name) {
  for (const NamedOperatingPoint& p : HandmadeScorer()->OperatingPoints()) {
    if (p.name == name) return p.min_score;
  }
  ADD_FAILURE() << "the hand-made scorer has no point " << name;
  return -1;
}

TEST_F(BreastCalcifyOptionsTest, OperatingPointSetsTheScorersThreshold) {
  for (const char* name : {"high_specificity", "balanced", "high_sensitivity"}) {
    DetectOptions options;
    ASSERT_TRUE(task_->ParseOptions(Form({{"operating_point", name}}), &options).ok()) << name;
    EXPECT_EQ(options.min_score, HandmadeThreshold(name)) << name;
    EXPECT_GT(options.min_score, 0.0) << name;
  }
}

TEST_F(BreastCalcifyOptionsTest, WithMinScoreTheHigherThresholdHolds) {
  const double point = HandmadeThreshold("high_specificity");
  DetectOptions options;
  ASSERT_TRUE(task_->ParseOptions(Form({{"operating_point", "high_specificity"},
                                        {"min_score", "0.9"}}), &options).ok());
  EXPECT_EQ(options.min_score, 0.9);
  ASSERT_TRUE(task_->ParseOptions(Form({{"operating_point", "high_specificity"},
                                        {"min_score", "0.01"}}), &options).ok());
  EXPECT_EQ(options.min_score, point);
}

TEST_F(BreastCalcifyOptionsTest, OperatingPointsAreNotAppliedToCalcifications) {
  DetectOptions options;
  ASSERT_TRUE(task_->ParseOptions(Form({{"operating_point", "high_specificity"},
                                        {"level", "calcification"}}), &options).ok());
  EXPECT_EQ(options.min_score, 0.0);
  ASSERT_TRUE(task_->ParseOptions(Form({{"operating_point", "high_specificity"},
                                        {"level", "calcification"}, {"min_score", "0.3"}}),
                                  &options).ok());
  EXPECT_EQ(options.min_score, 0.3);
  // Still checked: a name the scorer lacks is an error at any level.
  EXPECT_EQ(task_->ParseOptions(Form({{"operating_point", "bogus"}, {"level", "calcification"}}),
                                &options).code(),
            ErrorCode::kBadParameter);
}

TEST(TaskOperatingPointsTest, TheTaskTellsItsPointsAndItsDefault) {
  TaskSettings settings;
  settings.operating_point = "high_sensitivity";
  std::unique_ptr<const DetectionTask> task;
  ASSERT_TRUE(MakeTask("BreastCalcify", settings, &task).ok());
  EXPECT_EQ(task->DefaultOperatingPoint(), "high_sensitivity");
  ASSERT_EQ(task->OperatingPoints().size(), HandmadeScorer()->OperatingPoints().size());
  EXPECT_EQ(task->OperatingPoints()[0].name, HandmadeScorer()->OperatingPoints()[0].name);
  ASSERT_TRUE(MakeTask("BreastCalcify", TaskSettings(), &task).ok());
  EXPECT_EQ(task->DefaultOperatingPoint(), "");
}

TEST_F(BreastCalcifyOptionsTest, UnknownPointNamesTheScorersPoints) {
  DetectOptions options;
  const Status status = task_->ParseOptions(Form({{"operating_point", "strict"}}), &options);
  EXPECT_EQ(status.code(), ErrorCode::kBadParameter);
  for (const char* part : {"operating_point", "'strict'", "handmade", "high_specificity",
                           "balanced", "high_sensitivity"}) {
    EXPECT_NE(status.message().find(part), std::string::npos) << status.message();
  }
}

// A scorer that states no operating points (as a model file without the node).
class PointlessScorer final : public CandidateScorer {
 public:
  std::string_view name() const override { return "pointless"; }
  void Score(const CandidateContext&, std::vector<Calcification>* candidates) const override {
    for (Calcification& c : *candidates) c.score = 0.5;
  }
};

TEST(BreastCalcifyOperatingPointTest, APointTheScorerLacksIsRefused) {
  auto detector = std::make_unique<Detector>();
  ASSERT_TRUE(Detector::Create(DetectorParams(), std::make_shared<PointlessScorer>(),
                               detector.get()).ok());
  const BreastCalcifyTask task(std::move(detector));
  DetectOptions options;
  const Status status = task.ParseOptions(Form({{"operating_point", "balanced"}}), &options);
  EXPECT_EQ(status.code(), ErrorCode::kBadParameter);
  EXPECT_NE(status.message().find("pointless scorer has no operating points"), std::string::npos)
      << status.message();
  EXPECT_TRUE(task.ParseOptions(Form({}), &options).ok());  // without one: all findings
  EXPECT_EQ(options.min_score, 0.0);
  EXPECT_TRUE(task.ParseOptions(Form({{"operating_point", "all"}}), &options).ok());
}

TEST(BreastCalcifyOperatingPointTest, TheServerDefaultStandsInForRequestsNamingNone) {
  TaskSettings settings;
  settings.operating_point = "high_specificity";
  std::unique_ptr<const DetectionTask> task;
  ASSERT_TRUE(MakeTask("BreastCalcify", settings, &task).ok());
  DetectOptions options;
  ASSERT_TRUE(task->ParseOptions(Form({}), &options).ok());
  EXPECT_EQ(options.min_score, HandmadeThreshold("high_specificity"));
  ASSERT_TRUE(task->ParseOptions(Form({{"operating_point", ""}}), &options).ok());
  EXPECT_EQ(options.min_score, HandmadeThreshold("high_specificity"));
  // A request's own point replaces it; min_score still combines with it.
  ASSERT_TRUE(task->ParseOptions(Form({{"operating_point", "balanced"}}), &options).ok());
  EXPECT_EQ(options.min_score, HandmadeThreshold("balanced"));
  ASSERT_TRUE(task->ParseOptions(Form({{"min_score", "0.95"}}), &options).ok());
  EXPECT_EQ(options.min_score, 0.95);
  ASSERT_TRUE(task->ParseOptions(Form({{"level", "calcification"}}), &options).ok());
  EXPECT_EQ(options.min_score, 0.0);
}

TEST(BreastCalcifyOperatingPointTest, AllKeepsEveryFindingWhateverTheServerDefault) {
  TaskSettings settings;
  settings.operating_point = "high_specificity";
  std::unique_ptr<const DetectionTask> task;
  ASSERT_TRUE(MakeTask("BreastCalcify", settings, &task).ok());
  DetectOptions options;
  ASSERT_TRUE(task->ParseOptions(Form({{"operating_point", "all"}}), &options).ok());
  EXPECT_EQ(options.min_score, 0.0);
  ASSERT_TRUE(task->ParseOptions(Form({{"operating_point", "all"}, {"min_score", "0.3"}}),
                                 &options).ok());
  EXPECT_EQ(options.min_score, 0.3);  // min_score still holds
  // `all` is a server default too, and a scorer without points accepts it.
  settings.operating_point = "all";
  ASSERT_TRUE(MakeTask("BreastCalcify", settings, &task).ok());
  ASSERT_TRUE(task->ParseOptions(Form({}), &options).ok());
  EXPECT_EQ(options.min_score, 0.0);
}

TEST(BreastCalcifyOperatingPointTest, AnUnknownServerDefaultIsRefusedAtStart) {
  TaskSettings settings;
  settings.operating_point = "sensitive";
  std::unique_ptr<const DetectionTask> task;
  const Status status = MakeTask("BreastCalcify", settings, &task);
  EXPECT_EQ(status.code(), ErrorCode::kBadParameter);
  EXPECT_NE(status.message().find("'sensitive'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("high_sensitivity"), std::string::npos) << status.message();
  EXPECT_EQ(task, nullptr);
}

}  // namespace
}  // namespace mammocad

#include "batch/batch_run.h"

#include <gtest/gtest.h>

#include <atomic>
#include <opencv2/imgcodecs.hpp>

#include "batch/csv_rows.h"
#include "batch/test_folder.h"
#include "service/task_registry.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

namespace fs = std::filesystem;

std::string SyntheticPng(int seed) {
  SyntheticOptions options;
  options.clusters = 1;
  options.seed = seed;
  std::vector<uchar> bytes;
  cv::imencode(".png", MakeSyntheticMammogram(options).image.pixels, bytes);
  return std::string(bytes.begin(), bytes.end());
}

int Lines(const std::string& text) { return int(std::count(text.begin(), text.end(), '\n')); }

class BatchRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeTask("BreastCalcify", TaskSettings(), &task_).ok());
    root_ = FreshTestFolder();
    for (int i = 0; i < 4; ++i) WriteTestFile(root_ / "in" / (std::to_string(i) + ".png"), SyntheticPng(i));
    const std::string png = SyntheticPng(9);
    WriteTestFile(root_ / "in" / "truncated.png", png.substr(0, png.size() / 2));
  }

  std::unique_ptr<ResultFiles> Open() {
    std::unique_ptr<ResultFiles> files;
    EXPECT_TRUE(ResultFiles::Open((root_ / "out").string(), "results", CsvHeader(), &files).ok());
    return files;
  }

  std::unique_ptr<const DetectionTask> task_;
  fs::path root_;
};

TEST_F(BatchRunTest, EveryFileGetsOneRowAndAFailureDoesNotStopTheRun) {
  const BatchListing listing = ListBatchInputs({(root_ / "in").string()}, DecodeLimits());
  ASSERT_EQ(listing.inputs.size(), 5u);
  auto files = Open();
  BatchRunOptions options;
  options.images_in_flight = 3;
  std::vector<int> progress;
  options.progress = [&](int done, int total) {
    EXPECT_EQ(total, 5);
    progress.push_back(done);
  };
  BatchSummary summary;
  ASSERT_TRUE(RunBatch(listing.inputs, Analyzer(*task_, DecodeLimits()), options, files.get(),
                       &summary).ok());
  EXPECT_EQ(summary.analysed, 4);
  EXPECT_EQ(summary.failed, 1);
  EXPECT_EQ(progress, (std::vector<int>{1, 2, 3, 4, 5}));
  const std::string jsonl = ReadTestFile(root_ / "out" / "results.jsonl");
  const std::string csv = ReadTestFile(root_ / "out" / "results.csv");
  EXPECT_EQ(Lines(jsonl), 5);
  EXPECT_EQ(Lines(csv), 6);
  EXPECT_NE(jsonl.find("\"name\":\"corrupt_image\""), std::string::npos) << jsonl;
  EXPECT_NE(csv.find("truncated.png,8,corrupt_image,"), std::string::npos) << csv;
  for (const BatchInput& input : listing.inputs) EXPECT_TRUE(files->IsDone(input));
}

TEST_F(BatchRunTest, ListingErrorsAndOversizedFilesAreErrorRowsWithoutReading) {
  BatchListing listing = ListBatchInputs({(root_ / "in" / "0.png").string(),
                                          (root_ / "in" / "absent.png").string()},
                                         DecodeLimits());
  DecodeLimits small;
  small.max_bytes = 100;  // every PNG here is larger
  auto files = Open();
  BatchSummary summary;
  ASSERT_TRUE(RunBatch(listing.inputs, Analyzer(*task_, small), BatchRunOptions(), files.get(),
                       &summary).ok());
  EXPECT_EQ(summary.failed, 2);
  const std::string jsonl = ReadTestFile(root_ / "out" / "results.jsonl");
  EXPECT_NE(jsonl.find("\"name\":\"io_error\""), std::string::npos) << jsonl;
  EXPECT_NE(jsonl.find("\"name\":\"payload_too_large\""), std::string::npos) << jsonl;
}

TEST_F(BatchRunTest, ExtraOutputsRunPerImageAndTheirErrorsBecomeErrorRows) {
  const BatchListing listing = ListBatchInputs({(root_ / "in").string()}, DecodeLimits());
  auto files = Open();
  std::atomic<int> calls{0};
  BatchRunOptions options;
  options.extra_outputs.push_back([&calls](const BatchInput& input, std::string_view, const ImageAnalysis& a) {
    ++calls;
    EXPECT_FALSE(a.image.pixels.empty());
    if (input.relative_path == "2.png") return Status(ErrorCode::kIoError, "report not written");
    return Status::Ok();
  });
  BatchSummary summary;
  ASSERT_TRUE(RunBatch(listing.inputs, Analyzer(*task_, DecodeLimits()), options, files.get(),
                       &summary).ok());
  EXPECT_EQ(calls.load(), 4);  // not for the truncated file
  EXPECT_EQ(summary.failed, 2);
  EXPECT_NE(ReadTestFile(root_ / "out" / "results.jsonl").find("report not written"),
            std::string::npos);
}

}  // namespace
}  // namespace mammocad

#include "batch/result_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "batch/test_folder.h"

namespace mammocad {
namespace {

BatchInput Input(const std::string& path, std::uint64_t size = 10, std::int64_t mtime = 5) {
  BatchInput input;
  input.path = path;
  input.size_bytes = size;
  input.mtime_ns = mtime;
  return input;
}

std::unique_ptr<ResultFiles> MustOpen(const std::filesystem::path& dir) {
  std::unique_ptr<ResultFiles> files;
  const Status status = ResultFiles::Open(dir.string(), "results", "h1,h2\n", &files);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return files;
}

TEST(ResultFiles, ReopenedFilesKnowWhatIsDoneByPathSizeAndTime) {
  const auto dir = FreshTestFolder() / "out";  // created by Open
  {
    auto files = MustOpen(dir);
    EXPECT_FALSE(files->IsDone(Input("a.png")));
    ASSERT_TRUE(files->Append(Input("a.png"), false, "{\"a\":1}\n", "a,1\n").ok());
    ASSERT_TRUE(files->Append(Input("b\tweird\nname%.png"), true, "{\"b\":1}\n", "b,1\n").ok());
  }
  auto files = MustOpen(dir);
  EXPECT_TRUE(files->IsDone(Input("a.png")));
  EXPECT_TRUE(files->IsDone(Input("b\tweird\nname%.png")));
  EXPECT_FALSE(files->IsDone(Input("a.png", 11)));     // grew
  EXPECT_FALSE(files->IsDone(Input("a.png", 10, 6)));  // touched
  EXPECT_EQ(files->failed_in_journal(), 1);
  EXPECT_EQ(ReadTestFile(dir / "results.jsonl"), "{\"a\":1}\n{\"b\":1}\n");
  EXPECT_EQ(ReadTestFile(dir / "results.csv"), "h1,h2\na,1\nb,1\n");
}

TEST(ResultFiles, RowsWithoutTheirJournalLineAndATornLineAreDroppedOnOpen) {
  const auto dir = FreshTestFolder();
  {
    auto files = MustOpen(dir);
    ASSERT_TRUE(files->Append(Input("a.png"), false, "{\"a\":1}\n", "a,1\n").ok());
  }
  // A crash after b's rows reached the disk but before its journal line did, and a torn line.
  WriteTestFile(dir / "results.jsonl", ReadTestFile(dir / "results.jsonl") + "{\"b\":1}\n{\"c\"");
  WriteTestFile(dir / "results.csv", ReadTestFile(dir / "results.csv") + "b,1\n");
  WriteTestFile(dir / "results.journal", ReadTestFile(dir / "results.journal") + "20\t12\tok\t1");
  {
    auto files = MustOpen(dir);
    EXPECT_TRUE(files->IsDone(Input("a.png")));
    EXPECT_EQ(ReadTestFile(dir / "results.jsonl"), "{\"a\":1}\n");
    EXPECT_EQ(ReadTestFile(dir / "results.csv"), "h1,h2\na,1\n");
    ASSERT_TRUE(files->Append(Input("b.png"), false, "{\"b\":2}\n", "b,2\n").ok());
  }
  EXPECT_EQ(ReadTestFile(dir / "results.jsonl"), "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(ReadTestFile(dir / "results.csv"), "h1,h2\na,1\nb,2\n");
  EXPECT_TRUE(MustOpen(dir)->IsDone(Input("b.png")));
}

TEST(ResultFiles, AJournalWithoutAWholeLineStartsAfresh) {
  const auto dir = FreshTestFolder();
  WriteTestFile(dir / "results.jsonl", "{\"old\":1}\n");
  WriteTestFile(dir / "results.csv", "old\n");
  WriteTestFile(dir / "results.journal", "garbage without a newline");
  auto files = MustOpen(dir);
  EXPECT_EQ(ReadTestFile(dir / "results.jsonl"), "");
  EXPECT_EQ(ReadTestFile(dir / "results.csv"), "h1,h2\n");
  EXPECT_EQ(ReadTestFile(dir / "results.journal"), "");
}

TEST(ResultFiles, ResultsShorterThanTheirJournalAreRefused) {
  const auto dir = FreshTestFolder();
  {
    auto files = MustOpen(dir);
    ASSERT_TRUE(files->Append(Input("a.png"), false, "{\"a\":1}\n", "a,1\n").ok());
  }
  WriteTestFile(dir / "results.jsonl", "");
  std::unique_ptr<ResultFiles> files;
  const Status status = ResultFiles::Open(dir.string(), "results", "h1,h2\n", &files);
  EXPECT_EQ(status.code(), ErrorCode::kIoError);
  EXPECT_NE(status.message().find("shorter than its journal"), std::string::npos);
}

TEST(ResultFiles, RowsAppendedTogetherGetAJournalLineEach) {
  const auto dir = FreshTestFolder();
  {
    auto files = MustOpen(dir);
    ASSERT_TRUE(files->Append({ResultRow{Input("a.png"), false, "{\"a\":1}\n", "a,1\n"},
                               ResultRow{Input("b.png"), true, "{\"b\":22}\n", "b,22\n"}})
                    .ok());
  }
  EXPECT_EQ(ReadTestFile(dir / "results.journal"),
            "8\t10\tok\t10\t5\ta.png\n17\t15\tfailed\t10\t5\tb.png\n");
  auto files = MustOpen(dir);
  EXPECT_TRUE(files->IsDone(Input("a.png")));
  EXPECT_TRUE(files->IsDone(Input("b.png")));
}

TEST(ResultFiles, AFileThatFailedAndThenSucceededNoLongerCountsAsFailed) {
  const auto dir = FreshTestFolder();
  auto files = MustOpen(dir);
  ASSERT_TRUE(files->Append(Input("a.png", 1), true, "{}\n", "a\n").ok());
  EXPECT_EQ(files->failed_in_journal(), 1);
  ASSERT_TRUE(files->Append(Input("a.png", 2), false, "{}\n", "a\n").ok());  // fixed since
  EXPECT_EQ(files->failed_in_journal(), 0);
  EXPECT_EQ(MustOpen(dir)->failed_in_journal(), 0);
}

TEST(ResultFiles, JournalLineRecordsLengthsStateAndEscapedPath) {
  EXPECT_EQ(JournalLine(10, 20, true, Input("x\ty%", 3, 4)), "10\t20\tfailed\t3\t4\tx%09y%25\n");
}

TEST(ResultFiles, AnUnwritableFolderIsAnIoError) {
  const auto dir = FreshTestFolder();
  WriteTestFile(dir / "file", "x");
  std::unique_ptr<ResultFiles> files;
  EXPECT_EQ(ResultFiles::Open((dir / "file").string(), "results", "h\n", &files).code(),
            ErrorCode::kIoError);
}

}  // namespace
}  // namespace mammocad

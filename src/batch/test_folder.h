// A fresh folder under the test temp dir per test (ctest runs tests in parallel), and file
// helpers, for the batch module's tests only.
#ifndef MAMMOCAD_BATCH_TEST_FOLDER_H_
#define MAMMOCAD_BATCH_TEST_FOLDER_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mammocad {

inline std::filesystem::path FreshTestFolder() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path folder =
      std::filesystem::path(::testing::TempDir()) /
      ("mammocad_batch_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
       std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

inline void WriteTestFile(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string ReadTestFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace mammocad

#endif  // MAMMOCAD_BATCH_TEST_FOLDER_H_

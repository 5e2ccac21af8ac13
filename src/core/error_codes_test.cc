// The error table in README.md must say what the code does: same states, statuses and names.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "mammocad/error_codes.h"

namespace mammocad {
namespace {

TEST(ErrorCodesTest, ReadmeTableMatchesTheCode) {
  std::ifstream readme(MAMMOCAD_SOURCE_DIR "/README.md");
  ASSERT_TRUE(readme) << "README.md not found";
  std::regex row(R"(^\| (\d+) \| (\d+) \| ([a-z_]+) \|)");
  int rows = 0;
  for (std::string line; std::getline(readme, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++rows;
    auto code = static_cast<ErrorCode>(std::stoi(m[1]));
    EXPECT_EQ(ErrorName(code), m[3].str()) << line;
    EXPECT_EQ(HttpStatus(code), std::stoi(m[2])) << line;
  }
  int codes = 0;
#define MAMMOCAD_COUNT(name, state, http, text) ++codes;
  MAMMOCAD_ERROR_TABLE(MAMMOCAD_COUNT)
#undef MAMMOCAD_COUNT
  EXPECT_EQ(rows, codes - 1) << "every error code (all but ok) has one README row";
}

}  // namespace
}  // namespace mammocad

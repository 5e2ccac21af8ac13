// Log safety: nothing taken from a request can end a log line or forge a field.
#include "server/access_log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace mammocad {
namespace {

TEST(EscapeForLog, ControlBytesQuotesAndNonAsciiBecomeHexEscapes) {
  EXPECT_EQ(EscapeForLog("/detection\n200 GET /x"), "/detection\\x0A200 GET /x");
  EXPECT_EQ(EscapeForLog("a\r\tb\x7f\"\\"), "a\\x0D\\x09b\\x7F\\x22\\x5C");
  EXPECT_EQ(EscapeForLog("caf\xc3\xa9"), "caf\\xC3\\xA9");
  EXPECT_EQ(EscapeForLog(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(EscapeForLog("plain/path-1_2.png"), "plain/path-1_2.png");
  EXPECT_EQ(EscapeForLog("abcdef", 3), "abc...");
}

TEST(EscapeForLog, OutputIsPrintableAsciiForEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += char(b);
  for (char c : EscapeForLog(all)) {
    EXPECT_GE(c, 0x20);
    EXPECT_LT(c, 0x7f);
    EXPECT_NE(c, '"');
  }
}

TEST(SaneRequestId, AcceptsTokensRefusesTheRest) {
  EXPECT_EQ(SaneRequestId("3f2a-77:b.c_d"), "3f2a-77:b.c_d");
  EXPECT_EQ(SaneRequestId(""), "");
  EXPECT_EQ(SaneRequestId("a b"), "");
  EXPECT_EQ(SaneRequestId("id\nforged"), "");
  EXPECT_EQ(SaneRequestId(std::string(65, 'a')), "");
  EXPECT_EQ(SaneRequestId(std::string(64, 'a')), std::string(64, 'a'));
}

TEST(NewRequestId, SixteenHexDigitsAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 16u);
    EXPECT_EQ(SaneRequestId(id), id);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

AccessLogEntry Forged() {
  AccessLogEntry entry;
  entry.request_id = "r1";
  entry.client = "127.0.0.1:4000";
  entry.method = "GET";
  entry.path = "/x\n2026-01-01T00:00:00.000 info GET /admin -> 200";
  entry.status = 404;
  entry.bytes_out = 57;
  entry.duration_ms = 1.5;
  return entry;
}

TEST(FormatAccessLine, TextIsOneLineWithDurationClientAndId) {
  const std::string line = FormatAccessLine(Forged(), LogFormat::kText);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("/x\\x0A2026"), std::string::npos) << line;
  EXPECT_NE(line.find("-> 404 (0 bytes in, 57 bytes out) 1.5 ms client=127.0.0.1:4000 id=r1"),
            std::string::npos)
      << line;
}

TEST(FormatAccessLine, JsonIsOneObjectWithTheFields) {
  const std::string line = FormatAccessLine(Forged(), LogFormat::kJson);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const nlohmann::json fields = nlohmann::json::parse(line);
  EXPECT_EQ(fields["event"], "access");
  EXPECT_EQ(fields["status"], 404);
  EXPECT_EQ(fields["client"], "127.0.0.1:4000");
  EXPECT_EQ(fields["request_id"], "r1");
  EXPECT_EQ(fields["path"].get<std::string>().find('\n'), std::string::npos);
  EXPECT_DOUBLE_EQ(fields["duration_ms"].get<double>(), 1.5);
}

}  // namespace
}  // namespace mammocad

#include "server/auth.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace mammocad {
namespace {

constexpr const char* kToken = "s3cret-token-0123456789";
constexpr const char* kOther = "another-token-abcdefghij";

BearerTokens Tokens(const std::string& text) {
  BearerTokens tokens;
  EXPECT_TRUE(BearerTokens::Parse(text, &tokens).ok()) << text;
  return tokens;
}

HttpRequest Request(const std::string& method, const std::string& path) {
  HttpRequest request;
  request.method = method;
  request.path = path;
  return request;
}

TEST(ConstantTimeEqualsTest, EqualOnlyWhenEqual) {
  EXPECT_TRUE(ConstantTimeEquals("abcdef", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abcdeg", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abcde", "abcdef"));   // a prefix
  EXPECT_FALSE(ConstantTimeEquals("abcdefg", "abcdef"));  // longer
  EXPECT_FALSE(ConstantTimeEquals(std::string("abcdef\0", 7), "abcdef"));  // the stand-in byte
  EXPECT_FALSE(ConstantTimeEquals("", ""));  // an empty secret never matches
}

TEST(BearerTokensTest, ParsesOnePerLineWithCommentsAndBlanks) {
  BearerTokens tokens = Tokens(std::string("# the PACS gateway\n  ") + kToken + "  \r\n\n" +
                               kOther);
  EXPECT_TRUE(tokens.enabled());
  EXPECT_EQ(tokens.size(), 2u);
  EXPECT_TRUE(tokens.Accepts(std::string("Bearer ") + kToken));
  EXPECT_TRUE(tokens.Accepts(std::string("Bearer ") + kOther));
}

TEST(BearerTokensTest, RefusesFilesWithoutTokensOrWithWeakOnes) {
  BearerTokens tokens;
  EXPECT_EQ(BearerTokens::Parse("", &tokens).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(BearerTokens::Parse("# only a comment\n\n  \n", &tokens).code(),
            ErrorCode::kBadParameter);
  const Status short_token = BearerTokens::Parse("tooshort\n", &tokens);
  EXPECT_EQ(short_token.code(), ErrorCode::kBadParameter);
  EXPECT_EQ(short_token.message().find("tooshort"), std::string::npos) << "never the token";
  EXPECT_NE(short_token.message().find("line 1"), std::string::npos);
  EXPECT_EQ(BearerTokens::Parse("two words in one token line\n", &tokens).code(),
            ErrorCode::kBadParameter);
  EXPECT_FALSE(tokens.enabled()) << "a refused file leaves no token behind";
}

TEST(BearerTokensTest, LoadsAFileAndNamesAnUnreadableOne) {
  const std::string path = ::testing::TempDir() + "/mammocad-auth-test-tokens";
  std::ofstream(path) << kToken << "\n";
  BearerTokens tokens;
  ASSERT_TRUE(BearerTokens::Load(path, &tokens).ok());
  EXPECT_TRUE(tokens.Accepts(std::string("Bearer ") + kToken));
  std::remove(path.c_str());
  const Status missing = BearerTokens::Load(path, &tokens);
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  EXPECT_NE(missing.message().find(path), std::string::npos);
}

TEST(BearerTokensTest, AcceptsOnlyTheBearerSchemeWithAValidToken) {
  BearerTokens tokens = Tokens(kToken);
  const std::string token = kToken;
  EXPECT_TRUE(tokens.Accepts("bearer " + token));  // the scheme in any case
  EXPECT_TRUE(tokens.Accepts("Bearer   " + token + " "));
  EXPECT_FALSE(tokens.Accepts(""));
  EXPECT_FALSE(tokens.Accepts("Bearer"));
  EXPECT_FALSE(tokens.Accepts("Bearer "));
  EXPECT_FALSE(tokens.Accepts(token));  // no scheme
  EXPECT_FALSE(tokens.Accepts("Basic " + token));
  EXPECT_FALSE(tokens.Accepts("Bearer" + token));
  EXPECT_FALSE(tokens.Accepts("Bearer " + token.substr(0, token.size() - 1)));
  EXPECT_FALSE(tokens.Accepts("Bearer " + token + "x"));
  EXPECT_FALSE(tokens.Accepts(std::string("Bearer ") + kOther));
}

TEST(RefuseUnauthenticatedTest, OffWithoutTokens) {
  EXPECT_FALSE(RefuseUnauthenticated(BearerTokens(), Request("POST", "/detection/X"), ""));
}

TEST(RefuseUnauthenticatedTest, ProbesAreExemptMetricsAreNot) {
  BearerTokens tokens = Tokens(kToken);
  EXPECT_FALSE(RefuseUnauthenticated(tokens, Request("GET", "/healthz"), ""));
  EXPECT_FALSE(RefuseUnauthenticated(tokens, Request("HEAD", "/readyz"), ""));
  EXPECT_TRUE(RefuseUnauthenticated(tokens, Request("POST", "/healthz"), ""));
  EXPECT_TRUE(RefuseUnauthenticated(tokens, Request("GET", "/metrics"), ""));
  EXPECT_TRUE(RefuseUnauthenticated(tokens, Request("GET", "/no/such/path"), ""));
}

TEST(RefuseUnauthenticatedTest, AnswersUnauthorizedInThePathsStyle) {
  BearerTokens tokens = Tokens(kToken);
  std::optional<HttpReply> legacy =
      RefuseUnauthenticated(tokens, Request("POST", "/detection/BreastCalcify"), "");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->status, 401);
  EXPECT_EQ(legacy->error_name, "unauthorized");
  EXPECT_NE(legacy->body.find("\"state\":17"), std::string::npos) << legacy->body;
  EXPECT_NE(legacy->body.find("\"result\""), std::string::npos) << legacy->body;
  bool challenge = false;
  for (const auto& [name, value] : legacy->headers) {
    challenge = challenge || (name == "WWW-Authenticate" && value.starts_with("Bearer"));
  }
  EXPECT_TRUE(challenge);

  std::optional<HttpReply> v2 = RefuseUnauthenticated(
      tokens, Request("POST", "/v2/detection/BreastCalcify"), "Bearer wrong-token-0123456789");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->status, 401);
  EXPECT_NE(v2->body.find("\"error\""), std::string::npos) << v2->body;
  EXPECT_EQ(v2->body.find("wrong-token"), std::string::npos) << "never echo the token";
  EXPECT_FALSE(RefuseUnauthenticated(tokens, Request("POST", "/v2/detection/BreastCalcify"),
                                     std::string("Bearer ") + kToken));
}

}  // namespace
}  // namespace mammocad

#include "server/viewer_assets.h"

#include <gtest/gtest.h>

#include <string>

#include "server/auth.h"

namespace mammocad {
namespace {

TEST(ViewerAssetsTest, IndexIsServedAtTheRootAsHtml) {
  const ViewerAsset* root = FindViewerAsset("/");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
  EXPECT_NE(root->bytes.find("<script type=\"module\" src=\"main.js\">"), std::string::npos);
  const ViewerAsset* index = FindViewerAsset("/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->bytes, root->bytes);
}

TEST(ViewerAssetsTest, ScriptsAndStylesHaveTheirTypes) {
  const ViewerAsset* script = FindViewerAsset("/main.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(script->bytes.find("import"), std::string::npos);  // the file itself, whole
  EXPECT_EQ(script->bytes.back(), '\n');
  ASSERT_NE(FindViewerAsset("/viewer.css"), nullptr);
  EXPECT_EQ(FindViewerAsset("/viewer.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(FindViewerAsset("/nope.js"), nullptr);
  EXPECT_EQ(FindViewerAsset("/../CMakeLists.txt"), nullptr);
}

TEST(ViewerAssetsTest, RepliesCarryTheContentSecurityPolicy) {
  HttpReply reply = ViewerAssetReply(*FindViewerAsset("/"));
  EXPECT_EQ(reply.status, 200);
  bool csp = false, no_cache = false, nosniff = false;
  for (const auto& [name, value] : reply.headers) {
    csp = csp || (name == "Content-Security-Policy" && value.starts_with("default-src 'self'"));
    no_cache = no_cache || (name == "Cache-Control" && value == "no-cache");
    nosniff = nosniff || (name == "X-Content-Type-Options" && value == "nosniff");
  }
  EXPECT_TRUE(csp);
  EXPECT_TRUE(no_cache);
  EXPECT_TRUE(nosniff);
}

HttpRequest Request(std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

TEST(ViewerAssetsTest, AssetsNeedNoTokenButTheApiDoes) {
  EXPECT_TRUE(ExemptFromAuthentication(Request("GET", "/")));
  EXPECT_TRUE(ExemptFromAuthentication(Request("GET", "/main.js")));
  EXPECT_TRUE(ExemptFromAuthentication(Request("HEAD", "/main.js")));
  EXPECT_FALSE(ExemptFromAuthentication(Request("POST", "/")));
  EXPECT_FALSE(ExemptFromAuthentication(Request("POST", "/v2/images/decode")));
  EXPECT_FALSE(ExemptFromAuthentication(Request("GET", "/secret.js")));
}

}  // namespace
}  // namespace mammocad

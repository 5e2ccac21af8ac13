#include "server/viewer_assets.h"

#include <string>

#include "server/embedded_files.h"

namespace mammocad {
namespace {

// By extension; a file of another kind in web/ is served as bytes.
std::string_view ContentTypeOf(std::string_view path) {
  struct Row {
    std::string_view extension, content_type;
  };
  static constexpr Row kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},    {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".ico", "image/x-icon"},
  };
  for (const Row& row : kTypes)
    if (path.ends_with(row.extension)) return row.content_type;
  return "application/octet-stream";
}

std::vector<ViewerAsset> MakeAssets() {
  std::vector<ViewerAsset> assets;
  for (int i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& file = kEmbeddedFiles[i];
    const std::string_view bytes(reinterpret_cast<const char*>(file.bytes), file.size);
    if (std::string_view(file.path) == "/index.html") {
      assets.insert(assets.begin(), {"/", ContentTypeOf(file.path), bytes});
    }
    assets.push_back({file.path, ContentTypeOf(file.path), bytes});
  }
  return assets;
}

}  // namespace

const std::vector<ViewerAsset>& ViewerAssets() {
  static const std::vector<ViewerAsset> assets = MakeAssets();
  return assets;
}

const ViewerAsset* FindViewerAsset(std::string_view path) {
  for (const ViewerAsset& asset : ViewerAssets())
    if (asset.path == path) return &asset;
  return nullptr;
}

HttpReply ViewerAssetReply(const ViewerAsset& asset) {
  HttpReply reply;
  reply.content_type = std::string(asset.content_type);
  reply.body = std::string(asset.bytes);
  reply.headers = {{"Cache-Control", "no-cache"},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Content-Security-Policy", kViewerContentSecurityPolicy}};
  return reply;
}

}  // namespace mammocad

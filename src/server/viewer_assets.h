// The web viewer's static files (web/, compiled into the binary by cmake/EmbedFiles.cmake),
// served by the route table (server/routes.h) at `/` (index.html) and `/<file>`.
//
// Every asset reply carries its Content-Type, `Cache-Control: no-cache` (the browser
// revalidates, so a new binary's viewer is seen at once), `X-Content-Type-Options: nosniff`
// and the Content-Security-Policy kViewerContentSecurityPolicy: scripts, styles and requests
// only from the server itself, so the page cannot load or send anything elsewhere.
//
// The assets hold no patient data, so they need no bearer token (server/auth.h): a browser
// cannot attach one to a page load. The viewer sends the token the user types with each API
// request.
//
// Thread-safety: read-only static data.
#ifndef MAMMOCAD_SERVER_VIEWER_ASSETS_H_
#define MAMMOCAD_SERVER_VIEWER_ASSETS_H_

#include <string_view>
#include <vector>

#include "server/http_types.h"

namespace mammocad {

inline constexpr const char* kViewerContentSecurityPolicy =
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "object-src 'none'";

struct ViewerAsset {
  std::string_view path;          // the URL path: "/" for index.html, else "/viewer.js"...
  std::string_view content_type;  // from the file's extension
  std::string_view bytes;         // static storage
};

// Every asset, "/" first (then in web/'s list order in src/server/CMakeLists.txt).
const std::vector<ViewerAsset>& ViewerAssets();

// The asset served at `path`, or null.
const ViewerAsset* FindViewerAsset(std::string_view path);

// The 200 reply for `asset`, with the headers above.
HttpReply ViewerAssetReply(const ViewerAsset& asset);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_VIEWER_ASSETS_H_

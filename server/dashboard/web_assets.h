// web_assets.h: the dashboard's static files (server/dashboard/web/), embedded in the binary
// at build time (embed_assets.cmake writes web_assets.cc), so pages work offline and without
// any file next to the binary. Immutable; thread-safe.
#pragma once

#include <string_view>

namespace tern::dashboard {

struct WebAsset {
  std::string_view path;  // "/index.html", "/assets/app.js", ...
  std::string_view content_type;
  std::string_view body;
};

// nullptr when no asset has that path.
const WebAsset* FindWebAsset(std::string_view path);

}  // namespace tern::dashboard

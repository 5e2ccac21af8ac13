#include "cli/model_dir.h"

#include <filesystem>
#include <system_error>

namespace mammocad {

std::string ModelDirectory() {
  std::error_code ec;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path models = std::filesystem::path("share") / "mammocad" / "models";
  if (ec) return models.string();
  return (binary.parent_path().parent_path() / models).lexically_normal().string();
}

}  // namespace mammocad

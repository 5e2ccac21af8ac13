#include "batch/shard.h"

#include <charconv>

namespace mammocad {

Status ParseShard(std::string_view text, Shard* shard) {
  const Status bad(ErrorCode::kBadParameter,
                   "--shard takes I/N with 0 <= I < N <= " + std::to_string(kMaxShards) +
                       ", e.g. 0/4; got '" + std::string(text.substr(0, 40)) + "'");
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad;
  int index = -1, count = 0;
  const auto parse = [](std::string_view part, int* value) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), *value);
    return !part.empty() && error == std::errc() && end == part.data() + part.size();
  };
  if (!parse(text.substr(0, slash), &index) || !parse(text.substr(slash + 1), &count) ||
      count < 1 || count > kMaxShards || index < 0 || index >= count) {
    return bad;
  }
  *shard = Shard{index, count};
  return Status::Ok();
}

std::uint64_t StableHash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;  // FNV prime
  }
  return hash;
}

bool InShard(const BatchInput& input, const Shard& shard) {
  return StableHash(input.relative_path) % std::uint64_t(shard.count) ==
         std::uint64_t(shard.index);
}

std::string ShardSuffix(const Shard& shard) {
  if (shard.count == 1) return "";
  return ".shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
}

}  // namespace mammocad

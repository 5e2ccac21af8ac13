// `--shard I/N`: which part of a listing one machine analyses. A file belongs to shard
// StableHash(relative path) mod N, so the split depends on neither the order of listing nor
// the machine, and the N shards' results together hold every file exactly once.
#ifndef MAMMOCAD_BATCH_SHARD_H_
#define MAMMOCAD_BATCH_SHARD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "batch/batch_inputs.h"
#include "mammocad/status.h"

namespace mammocad {

struct Shard {
  int index = 0;  // 0 .. count-1
  int count = 1;
};

inline constexpr int kMaxShards = 100000;

// "I/N" with 0 <= I < N <= kMaxShards. Errors: kBadParameter saying what is accepted.
Status ParseShard(std::string_view text, Shard* shard);

// 64-bit FNV-1a: fixed by its definition, the same on every platform and release.
std::uint64_t StableHash(std::string_view text);

bool InShard(const BatchInput& input, const Shard& shard);

// "" for the whole listing, else ".shard-I-of-N": the result files' name part, so shards may
// share one output folder and merge with `cat`.
std::string ShardSuffix(const Shard& shard);

}  // namespace mammocad

#endif  // MAMMOCAD_BATCH_SHARD_H_

// The process-wide cache of gcc outputs, keyed by what determines them
// (gcc, benchmark, artifact kind and the exact option list).
//
// Search algorithms revisit the same command lines all the time; a hit
// costs a hash lookup instead of a gcc run. Failures that gcc reports with
// an exit status (a rejected option combination, an internal compiler
// error) are cached too, so a bad command line is never run twice;
// timeouts and signals are not cached (they may depend on the machine's
// load).
//
// Bounded by the bytes of the cached outputs: the least recently used
// entries go first. Thread-safe: envs on many threads share it.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace cgym::gcc {

/// What one gcc run produced: one output per compiled source file (objects,
/// assembly, RTL dumps or preprocessed text), or the error it failed with.
struct Artifact {
  std::vector<std::string> outputs;
  /// Set when gcc failed: what ProcessError said, to throw it again.
  struct Failure {
    std::string message;
    std::vector<std::string> argv;
    int exit_code = 0;
    std::string stderr_tail;
  };
  std::optional<Failure> failure;

  size_t bytes() const;
};

using ArtifactPtr = std::shared_ptr<const Artifact>;

/// Counters since the process started (or since reset_stats()).
struct ArtifactCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t capacity_bytes = 0;

  /// hits / (hits + misses); 0 before any lookup.
  double hit_rate() const;
  nlohmann::json to_json() const;
};

class ArtifactCache {
 public:
  explicit ArtifactCache(uint64_t capacity_bytes);

  /// The shared instance: 512 MiB, or $CGYM_GCC_CACHE_MB mebibytes.
  static ArtifactCache& global();

  /// The entry for `key`, counting a hit or a miss.
  ArtifactPtr get(const std::string& key);
  /// Stores an entry (replacing one with the same key) and evicts the least
  /// recently used entries beyond the capacity. An entry larger than the
  /// whole capacity is not stored.
  void put(const std::string& key, ArtifactPtr artifact);

  ArtifactCacheStats stats() const;
  void reset_stats();
  /// Drops every entry (the counters stay).
  void clear();
  /// Changes the capacity, evicting at once when it shrinks.
  void set_capacity(uint64_t capacity_bytes);

 private:
  void evict_locked();

  mutable std::mutex mu_;
  uint64_t capacity_;
  uint64_t bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
  using Entry = std::pair<std::string, ArtifactPtr>;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace cgym::gcc

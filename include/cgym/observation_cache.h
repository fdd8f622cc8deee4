// A process-wide cache of expensive observations, shared by every env.
//
// Keyed by (env/compiler fingerprint, observation space, benchmark hash,
// program-state hash), so a search that returns to a state it has seen skips
// the compiler entirely, in any env of the process. Bounded by bytes with LRU
// eviction; optionally persisted on disk so that a second run starts warm.
// Thread-safe.
//
// It is off by default. Turn it on with enable_shared_observation_cache(), or
// with the environment variables CGYM_OBSERVATION_CACHE_MB (memory bound) and
// CGYM_OBSERVATION_CACHE_DIR (persist there). Only observation spaces marked
// `shared_cacheable` by their backend, in sessions that report a state_hash(),
// go through it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "cgym/observation.h"

namespace cgym {

class ObservationCache {
 public:
  struct Options {
    /// Memory bound for the values held (approximate, Observation::byte_size).
    size_t max_bytes = size_t{256} << 20;
    /// When set, entries are also written here (one file each, atomically)
    /// and read back on a memory miss.
    std::filesystem::path disk_dir;
  };
  struct Stats {
    uint64_t hits = 0;       ///< found in memory
    uint64_t disk_hits = 0;  ///< found on disk (counted in hits too)
    uint64_t misses = 0;
    uint64_t insertions = 0;
    uint64_t evictions = 0;
    size_t bytes = 0;
    size_t entries = 0;
    double hit_rate() const {
      return hits + misses ? static_cast<double>(hits) / static_cast<double>(hits + misses) : 0.0;
    }
  };

  explicit ObservationCache(Options options);
  std::optional<Observation> get(const std::string& key);
  /// A value larger than max_bytes is not kept in memory (still on disk).
  void put(const std::string& key, const Observation& value);
  Stats stats() const;
  /// Drops the memory entries (not the disk files) and the counters.
  void clear();
  const Options& options() const { return options_; }

 private:
  struct Entry {
    std::string key;
    Observation value;
    size_t bytes;
  };
  void evict_locked();
  std::filesystem::path disk_path(const std::string& key) const;

  Options options_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  Stats stats_;
};

/// The shared cache, or nullptr when it is off.
ObservationCache* shared_observation_cache();
/// Turns the shared cache on (replacing any previous one).
void enable_shared_observation_cache(ObservationCache::Options options);
/// Turns it off; envs then compute every observation themselves.
void disable_shared_observation_cache();

}  // namespace cgym

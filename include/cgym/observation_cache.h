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

/// A thread-safe, byte-bounded LRU cache of observations by key, optionally
/// persisted on disk. See shared_observation_cache() for the process-wide one.
class ObservationCache {
 public:
  /// How big the cache is and where it persists.
  struct Options {
    /// Memory bound for the values held (approximate, Observation::byte_size).
    size_t max_bytes = size_t{256} << 20;
    /// When set, entries are also written here (one file each, atomically)
    /// and read back on a memory miss.
    std::filesystem::path disk_dir;
  };
  /// Counters since construction or clear().
  struct Stats {
    uint64_t hits = 0;        ///< found in memory
    uint64_t disk_hits = 0;   ///< found on disk (counted in hits too)
    uint64_t misses = 0;      ///< found nowhere
    uint64_t insertions = 0;  ///< put() calls (reloads from disk not counted)
    uint64_t evictions = 0;   ///< entries dropped from memory by the bound
    size_t bytes = 0;         ///< approximate bytes held in memory (values and keys)
    size_t entries = 0;       ///< entries held in memory
    /// hits / (hits + misses), 0 before any lookup.
    double hit_rate() const {
      return hits + misses ? static_cast<double>(hits) / static_cast<double>(hits + misses) : 0.0;
    }
  };

  /// An empty cache.
  explicit ObservationCache(Options options);
  /// The value stored under `key`: from memory, else from disk (then kept in
  /// memory), else nullopt. Unreadable disk entries are ignored.
  std::optional<Observation> get(const std::string& key);
  /// A value larger than max_bytes is not kept in memory (still on disk).
  /// Stores `value` under `key`, evicting least recently used entries to stay
  /// within max_bytes. A disk write failure is logged, never thrown.
  void put(const std::string& key, const Observation& value);
  /// A snapshot of the counters.
  Stats stats() const;
  /// Drops the memory entries (not the disk files) and the counters.
  void clear();
  /// The options it was built with.
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

/// The shared cache, or nullptr when it is off. On first use it is turned on
/// from CGYM_OBSERVATION_CACHE_MB / CGYM_OBSERVATION_CACHE_DIR when set.
ObservationCache* shared_observation_cache();
/// Turns the shared cache on (replacing any previous one).
void enable_shared_observation_cache(ObservationCache::Options options);
/// Turns it off; envs then compute every observation themselves.
void disable_shared_observation_cache();

}  // namespace cgym

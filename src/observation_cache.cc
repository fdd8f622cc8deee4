#include "cgym/observation_cache.h"

#include <atomic>
#include <cstdlib>

#include "cgym/benchmark.h"
#include "cgym/errors.h"
#include "cgym/util.h"
#include "internal/logging.h"

namespace fs = std::filesystem;

namespace cgym {

ObservationCache::ObservationCache(Options options) : options_(std::move(options)) {}

fs::path ObservationCache::disk_path(const std::string& key) const {
  const std::string h = hash_bytes(key);
  return options_.disk_dir / h.substr(0, 2) / (h + ".obs");
}

std::optional<Observation> ObservationCache::get(const std::string& key) {
  {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++stats_.hits;
      return it->second->value;
    }
  }
  if (!options_.disk_dir.empty()) {
    std::error_code ec;
    const fs::path p = disk_path(key);
    if (fs::exists(p, ec)) {
      try {
        // The file holds the key too, so a hash collision is never a hit.
        const std::string data = read_file(p);
        const auto sep = data.find('\n');
        if (sep != std::string::npos && data.compare(0, sep, key) == 0) {
          Observation value = Observation::deserialize(std::string_view(data).substr(sep + 1));
          {
            std::lock_guard lock(mu_);
            ++stats_.hits;
            ++stats_.disk_hits;
          }
          put(key, value);
          std::lock_guard lock(mu_);
          --stats_.insertions;  // a reload, not a new value
          return value;
        }
      } catch (const std::exception& e) {
        logger().warn("ignoring unreadable cache entry '{}': {}", p.string(), e.what());
      }
    }
  }
  std::lock_guard lock(mu_);
  ++stats_.misses;
  return std::nullopt;
}

void ObservationCache::put(const std::string& key, const Observation& value) {
  if (!options_.disk_dir.empty()) {
    const fs::path p = disk_path(key);
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      try {
        write_file_atomic(p, key + "\n" + value.serialize());
      } catch (const IoError& e) {
        // A full disk or an unwritable directory costs the persistence,
        // never the result.
        logger().warn("observation cache: {}", e.what());
      }
    }
  }
  const size_t bytes = value.byte_size() + key.size();
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    stats_.bytes -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  ++stats_.insertions;
  if (bytes > options_.max_bytes) return;
  lru_.push_front(Entry{key, value, bytes});
  index_[key] = lru_.begin();
  stats_.bytes += bytes;
  evict_locked();
}

void ObservationCache::evict_locked() {
  while (stats_.bytes > options_.max_bytes && !lru_.empty()) {
    auto& last = lru_.back();
    stats_.bytes -= last.bytes;
    index_.erase(last.key);
    lru_.pop_back();
    ++stats_.evictions;
  }
}

ObservationCache::Stats ObservationCache::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.entries = index_.size();
  return s;
}

void ObservationCache::clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
  stats_ = Stats{};
}

namespace {

std::mutex g_mu;
std::shared_ptr<ObservationCache> g_cache;
std::atomic<ObservationCache*> g_raw{nullptr};
std::once_flag g_env_once;

void configure_from_environment() {
  std::call_once(g_env_once, [] {
    const char* mb = std::getenv("CGYM_OBSERVATION_CACHE_MB");
    const char* dir = std::getenv("CGYM_OBSERVATION_CACHE_DIR");
    if (!mb && !dir) return;
    ObservationCache::Options o;
    if (mb) o.max_bytes = static_cast<size_t>(std::strtoull(mb, nullptr, 10)) << 20;
    if (dir) o.disk_dir = dir;
    std::lock_guard lock(g_mu);
    if (!g_cache) {
      g_cache = std::make_shared<ObservationCache>(o);
      g_raw = g_cache.get();
    }
  });
}

}  // namespace

ObservationCache* shared_observation_cache() {
  configure_from_environment();
  return g_raw.load();
}

void enable_shared_observation_cache(ObservationCache::Options options) {
  configure_from_environment();
  std::lock_guard lock(g_mu);
  // The previous cache is kept alive (leaked on purpose) because another
  // thread may be reading through a pointer it just loaded.
  static std::vector<std::shared_ptr<ObservationCache>> retired;
  if (g_cache) retired.push_back(g_cache);
  g_cache = std::make_shared<ObservationCache>(std::move(options));
  g_raw = g_cache.get();
}

void disable_shared_observation_cache() {
  configure_from_environment();
  std::lock_guard lock(g_mu);
  g_raw = nullptr;
}

}  // namespace cgym

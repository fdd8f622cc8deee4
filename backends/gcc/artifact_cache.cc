#include "backends/gcc/artifact_cache.h"

#include <cstdlib>

namespace cgym::gcc {

size_t Artifact::bytes() const {
  // The key and bookkeeping cost about as much as a short output.
  size_t n = 128;
  for (const auto& o : outputs) n += o.size();
  if (failure) n += failure->message.size() + failure->stderr_tail.size();
  return n;
}

double ArtifactCacheStats::hit_rate() const {
  const uint64_t lookups = hits + misses;
  return lookups ? static_cast<double>(hits) / static_cast<double>(lookups) : 0.0;
}

nlohmann::json ArtifactCacheStats::to_json() const {
  return {{"hits", hits},          {"misses", misses}, {"hit_rate", hit_rate()},
          {"entries", entries},    {"bytes", bytes},   {"capacity_bytes", capacity_bytes},
          {"evictions", evictions}};
}

ArtifactCache::ArtifactCache(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

ArtifactCache& ArtifactCache::global() {
  static ArtifactCache* cache = [] {
    uint64_t mib = 512;
    if (const char* env = std::getenv("CGYM_GCC_CACHE_MB")) {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(env, &end, 10);
      if (end && *end == '\0' && end != env) mib = v;
    }
    // Never destroyed: envs may outlive static destruction order.
    return new ArtifactCache(mib << 20);
  }();
  return *cache;
}

ArtifactPtr ArtifactCache::get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ArtifactCache::put(const std::string& key, ArtifactPtr artifact) {
  if (!artifact) return;
  const uint64_t size = artifact->bytes();
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->second->bytes();
    lru_.erase(it->second);
    index_.erase(it);
  }
  if (size > capacity_) return;
  lru_.emplace_front(key, std::move(artifact));
  index_[key] = lru_.begin();
  bytes_ += size;
  evict_locked();
}

void ArtifactCache::evict_locked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    bytes_ -= lru_.back().second->bytes();
    index_.erase(lru_.back().first);
    lru_.pop_back();
    ++evictions_;
  }
}

ArtifactCacheStats ArtifactCache::stats() const {
  std::lock_guard lock(mu_);
  return {hits_, misses_, evictions_, index_.size(), bytes_, capacity_};
}

void ArtifactCache::reset_stats() {
  std::lock_guard lock(mu_);
  hits_ = misses_ = evictions_ = 0;
}

void ArtifactCache::clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

void ArtifactCache::set_capacity(uint64_t capacity_bytes) {
  std::lock_guard lock(mu_);
  capacity_ = capacity_bytes;
  evict_locked();
}

}  // namespace cgym::gcc

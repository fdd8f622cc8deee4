#include "cgym/dataset.h"

#include <algorithm>

#include "cgym/errors.h"
#include "cgym/remote_datasets.h"
#include "cgym/util.h"

namespace cgym {

BenchmarkPtr Dataset::random_benchmark(Rng& rng) const {
  const uint64_t n = size();
  if (n == 0) {
    std::uniform_int_distribution<uint64_t> d(0, UINT32_MAX);
    return benchmark(benchmark_uri(d(rng)));
  }
  std::uniform_int_distribution<uint64_t> d(0, n - 1);
  return benchmark(benchmark_uri(d(rng)));
}

bool Dataset::owns(const BenchmarkUri& uri) const { return uri.dataset_name() == name(); }

namespace {

std::string normalise_dataset_name(const std::string& name) {
  if (name.find("://") != std::string::npos) return name;
  return "benchmark://" + name;
}

void sort_datasets(std::vector<DatasetPtr>& ds) {
  std::stable_sort(ds.begin(), ds.end(), [](const DatasetPtr& a, const DatasetPtr& b) {
    const bool ai = a->size() == 0, bi = b->size() == 0;
    if (ai != bi) return bi;  // finite first
    return a->name() < b->name();
  });
}

}  // namespace

Datasets::Datasets(std::vector<DatasetPtr> datasets) : datasets_(std::move(datasets)) {
  sort_datasets(datasets_);
}

void Datasets::add(DatasetPtr dataset) {
  if (!dataset) throw InvalidArgument("Datasets::add: null dataset");
  std::erase_if(datasets_, [&](const DatasetPtr& d) { return d->name() == dataset->name(); });
  datasets_.push_back(std::move(dataset));
  sort_datasets(datasets_);
}

std::optional<DatasetPtr> Datasets::find_dataset(const std::string& name) const {
  const std::string full = normalise_dataset_name(name);
  for (const auto& d : datasets_) {
    if (d->name() == full || d->name() == name) return d;
  }
  return std::nullopt;
}

DatasetPtr Datasets::dataset(const std::string& name) const {
  if (auto d = find_dataset(name)) return *d;
  std::vector<std::string> names;
  for (const auto& d : datasets_) names.push_back(d->name());
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  throw LookupError("unknown dataset '" + name +
                    "'; valid datasets: " + (all.empty() ? "(none)" : all));
}

BenchmarkPtr Datasets::benchmark(const std::string& uri_text) const {
  const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
  for (const auto& d : datasets_) {
    if (d->owns(uri)) {
      // Datasets see canonical text: "cgym-v0/crc32" -> benchmark://cgym-v0/crc32.
      const std::string canonical =
          uri_text.find("://") == std::string::npos ? "benchmark://" + uri_text : uri_text;
      return d->benchmark(canonical);
    }
  }
  std::string all;
  for (const auto& d : datasets_) all += (all.empty() ? "" : ", ") + d->name();
  throw LookupError("no dataset for benchmark URI '" + uri_text + "' (dataset '" +
                    uri.dataset_name() + "'); valid datasets: " + (all.empty() ? "(none)" : all));
}

std::vector<std::string> Datasets::benchmark_uris(size_t limit) const {
  std::vector<std::string> out;
  for (const auto& d : datasets_) {
    if (needs_install(*d)) continue;
    const uint64_t n = d->size();
    if (n == 0) continue;
    for (uint64_t i = 0; i < n; ++i) {
      if (limit && out.size() >= limit) return out;
      out.push_back(d->benchmark_uri(i));
    }
  }
  return out;
}

BenchmarkPtr Datasets::random_benchmark(Rng& rng) const {
  std::vector<const Dataset*> drawable;
  for (const auto& ds : datasets_) {
    if (ds->enumerable() && !needs_install(*ds)) drawable.push_back(ds.get());
  }
  if (drawable.empty()) throw LookupError("no datasets to draw a benchmark from");
  std::uniform_int_distribution<size_t> d(0, drawable.size() - 1);
  return drawable[d(rng)]->random_benchmark(rng);
}

}  // namespace cgym

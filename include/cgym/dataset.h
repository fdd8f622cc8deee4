// Datasets: named collections of benchmarks.
//
// A Dataset is named "scheme://name" (e.g. "benchmark://cgym-v0") and owns
// the URIs below it. Datasets resolves a URI to the dataset that owns it.
// Implementations must make benchmark() safe to call from several threads
// (envs in a VectorEnv share datasets); the Benchmark objects they return are
// immutable and may be cached and shared.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgym/benchmark.h"
#include "cgym/spaces.h"

namespace cgym {

/// A named collection of benchmarks, e.g. "benchmark://cgym-v0", owning the
/// URIs below its name. Implement benchmark() so that it is safe to call from
/// several threads.
class Dataset {
 public:
  virtual ~Dataset() = default;

  /// "benchmark://cgym-v0"
  virtual std::string name() const = 0;
  /// One line for humans.
  virtual std::string description() const = 0;
  /// The license of the benchmarks ("" when not stated, the default).
  virtual std::string license() const { return ""; }
  /// The number of benchmarks; 0 means infinite (generators).
  virtual uint64_t size() const = 0;
  /// The URI of the i-th benchmark in the dataset's stable order. For a
  /// finite dataset i < size(); for a generator, any i (the i-th seed).
  virtual std::string benchmark_uri(uint64_t i) const = 0;
  /// Loads a benchmark. Throws LookupError when `uri` is not in this dataset
  /// and BenchmarkInitError when it is but cannot be loaded.
  virtual BenchmarkPtr benchmark(const std::string& uri) const = 0;
  /// A benchmark drawn uniformly (for generators, a random 32-bit seed).
  virtual BenchmarkPtr random_benchmark(Rng& rng) const;
  /// Whether this dataset owns `uri` (default: the URI's dataset name equals
  /// name()).
  virtual bool owns(const BenchmarkUri& uri) const;
  /// False for a dataset that resolves URIs but cannot list them (file://,
  /// benchmarks made in this process): its size() is 0 and it has no
  /// benchmark_uri()/random_benchmark(); Datasets::random_benchmark() skips
  /// it.
  virtual bool enumerable() const { return true; }

  /// A lazy, forward range over the benchmark URIs. Infinite datasets give
  /// an endless range: bound it yourself.
  class UriRange {
   public:
    /// An input iterator yielding benchmark_uri(i) for i = 0, 1, ...
    class iterator {
     public:
      using iterator_category = std::input_iterator_tag;  ///< an input iterator
      using value_type = std::string;                     ///< a URI
      using difference_type = std::ptrdiff_t;             ///< the distance type
      using pointer = const std::string*;                 ///< unused pointer type
      using reference = std::string;                      ///< URIs are made on the fly
      /// Points at the i-th URI of `d`.
      iterator(const Dataset* d, uint64_t i) : d_(d), i_(i) {}
      /// The current URI, made by Dataset::benchmark_uri().
      std::string operator*() const { return d_->benchmark_uri(i_); }
      /// Moves to the next URI.
      iterator& operator++() {
        ++i_;
        return *this;
      }
      /// Equal when both point at the same index.
      bool operator==(const iterator& o) const { return i_ == o.i_; }

     private:
      const Dataset* d_;
      uint64_t i_;
    };
    /// The URIs of `d`, which must outlive the range.
    explicit UriRange(const Dataset* d) : d_(d) {}
    /// The first URI.
    iterator begin() const { return {d_, 0}; }
    /// Past the last URI; index UINT64_MAX for an infinite dataset.
    iterator end() const { return {d_, d_->size() == 0 ? UINT64_MAX : d_->size()}; }

   private:
    const Dataset* d_;
  };
  /// The benchmark URIs, lazily (see UriRange).
  UriRange benchmark_uris() const { return UriRange(this); }
};

/// A shared, read-only dataset.
using DatasetPtr = std::shared_ptr<const Dataset>;

/// A collection of datasets, in a stable order: finite datasets by name, then
/// infinite ones by name.
class Datasets {
 public:
  /// No datasets.
  Datasets() = default;
  /// Holds `datasets`, sorted into the stable order.
  explicit Datasets(std::vector<DatasetPtr> datasets);

  /// Adds (or replaces a dataset of the same name). Throws InvalidArgument
  /// for null.
  void add(DatasetPtr dataset);
  /// Every dataset, in the stable order.
  const std::vector<DatasetPtr>& datasets() const { return datasets_; }
  /// Looks a dataset up by name ("benchmark://cgym-v0" or just "cgym-v0").
  /// Throws LookupError listing the valid names.
  DatasetPtr dataset(const std::string& name) const;
  /// Like dataset(), but nullopt instead of throwing for an unknown name.
  std::optional<DatasetPtr> find_dataset(const std::string& name) const;
  /// Resolves a URI (no scheme means benchmark://). Throws InvalidArgument for
  /// text that is not a URI, LookupError for an unknown dataset (listing the
  /// valid ones) and whatever the dataset throws.
  BenchmarkPtr benchmark(const std::string& uri) const;
  /// The URIs of every finite dataset, in order, at most `limit` of them
  /// (0 = all).
  std::vector<std::string> benchmark_uris(size_t limit = 0) const;
  /// Picks a dataset uniformly, then a benchmark in it.
  BenchmarkPtr random_benchmark(Rng& rng) const;

 private:
  std::vector<DatasetPtr> datasets_;
};

}  // namespace cgym

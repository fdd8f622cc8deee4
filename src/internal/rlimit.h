// A Boost.Process launch extension that caps the child's address space
// (internal; shared by run_process() and the worker launcher).
#pragma once

#include <sys/resource.h>

#include <utility>  // before Boost: asio 1.74 uses std::exchange without it

#include <boost/process/extend.hpp>
#include <cstddef>

namespace cgym {

/// setrlimit(RLIMIT_AS, bytes) in the child between fork and exec; 0 = none.
struct RlimitSetup : boost::process::extend::handler {
  size_t bytes;
  explicit RlimitSetup(size_t b) : bytes(b) {}
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    if (bytes) {
      struct rlimit r;
      r.rlim_cur = r.rlim_max = bytes;
      setrlimit(RLIMIT_AS, &r);
    }
  }
};

}  // namespace cgym

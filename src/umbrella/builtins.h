// The built-in backends, as declared by cgym_add_backend()
// (cmake/CgymBackend.cmake); the table is generated at configure time.
#pragma once

#include <vector>

#include "cgym/registry.h"

namespace cgym::internal {

/// One built-in backend: its name and the function that registers its envs.
struct BuiltinBackend {
  const char* name;
  void (*register_envs)(Registry&);
};

/// Every built-in backend, in the order of the cgym_add_backend() calls.
const std::vector<BuiltinBackend>& builtin_backend_table();

}  // namespace cgym::internal

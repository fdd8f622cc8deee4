// Registers the gcc backend's environments (gcc-v0) in a registry. Called
// by the umbrella library on first use of cgym::make().
#pragma once

#include "cgym/registry.h"

namespace cgym::gcc {

/// Adds "gcc-v0". Creating the env (not registering it) needs gcc.
void register_envs(cgym::Registry& registry);

}  // namespace cgym::gcc

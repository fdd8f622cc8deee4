// cgym's logger (internal). CGYM_DEBUG=0..4 sets the level:
// 0 warnings and errors (default), 1 info, 2 debug, 3 and 4 trace.
#pragma once

#include <spdlog/spdlog.h>

namespace cgym {

/// The shared "cgym" logger, created on first use (thread-safe), writing to
/// stderr.
spdlog::logger& logger();

}  // namespace cgym

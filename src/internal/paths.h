// Where the running library comes from (internal).
#pragma once

namespace cgym {

/// True when the loaded libcgym_core lives in the build tree it was built
/// in: then the datasets and the worker program come from that build.
bool running_from_build_tree();

}  // namespace cgym

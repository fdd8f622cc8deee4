// Where the running library comes from (internal).
#pragma once

#include <filesystem>

namespace cgym {

/// True when the loaded libcgym_core lives in the build tree it was built
/// in: then the datasets and the worker program come from that build.
bool running_from_build_tree();

/// The bin/ directory of the installation the loaded library belongs to
/// (found relative to the library, so a relocated install works).
std::filesystem::path installed_bin_dir();

}  // namespace cgym

// Where the running library comes from (internal).
#pragma once

#include <filesystem>
#include <string>

namespace cgym {

/// True when the loaded libcgym_core lives in the build tree it was built
/// in: then the datasets and the worker program come from that build.
bool running_from_build_tree();

/// The bin/ directory of the installation the loaded library belongs to
/// (found relative to the library, so a relocated install works).
std::filesystem::path installed_bin_dir();

/// The value of the environment variable CGYM_<name>, else of CompilerGym's
/// COMPILER_GYM_<name> (so a CompilerGym setup keeps working), else "".
/// An empty variable counts as unset. Names: CACHE, SITE_DATA,
/// TRANSIENT_CACHE, LOGS, DEBUG.
std::string setting_from_env(const std::string& name);

/// $CGYM_LOGS, else $COMPILER_GYM_LOGS, else ~/.local/share/cgym/logs.
std::filesystem::path logs_dir();

/// The log level CGYM_DEBUG, else COMPILER_GYM_DEBUG, asks for (0 when
/// unset or negative); the logger reads it once (src/logging.cc).
int debug_level_from_env();

}  // namespace cgym

// Subcommands of the cgym tool. Each add_*_command() adds one subcommand
// whose callback does the work; errors propagate as cgym::Error and are
// printed by main() with exit status 1.
#pragma once

#include <CLI/CLI.hpp>

namespace cgym::cli {

void add_all_commands(CLI::App& app);
/// The exit status a subcommand asked for (default 0).
int exit_code();
void set_exit_code(int code);

void add_envs_command(CLI::App& app);
void add_spaces_command(CLI::App& app);

}  // namespace cgym::cli

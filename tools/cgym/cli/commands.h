// Subcommands of the cgym tool. Each add_*_command() adds one subcommand
// whose callback does the work; errors propagate as cgym::Error and are
// printed by run() with exit status 1. A subcommand that finishes but must
// report failure (a row that did not validate) calls set_exit_code().
#pragma once

#include <CLI/CLI.hpp>

namespace cgym::cli {

/// Builds the whole tool, parses argv, runs the chosen subcommand and
/// returns the process exit status. Used by main() and by the tests' build
/// of the tool (which registers the toy envs first).
int run(int argc, char** argv);

void add_all_commands(CLI::App& app);
/// The exit status a subcommand asked for (default 0).
int exit_code();
void set_exit_code(int code);

void add_envs_command(CLI::App& app);
void add_spaces_command(CLI::App& app);
void add_datasets_command(CLI::App& app);
void add_benchmarks_command(CLI::App& app);
void add_manual_command(CLI::App& app);
void add_random_search_command(CLI::App& app);
void add_greedy_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_replay_command(CLI::App& app);
void add_validate_command(CLI::App& app);

}  // namespace cgym::cli

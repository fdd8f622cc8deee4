// The cgym command-line tool. Each subcommand lives in its own file and
// registers itself through add_*_command() (see commands.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cgym/cgym.h"
#include "cgym/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"cgym: compiler optimization as Gym environments"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  cgym envs\n"
      "  cgym spaces --env llvm-ic-v0\n"
      "Run 'cgym SUBCOMMAND --help' for the options of a subcommand.");
  cgym::cli::add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const cgym::Error& e) {
    std::cerr << "cgym: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cgym: error: " << e.what() << "\n";
    return 1;
  }
  return cgym::cli::exit_code();
}

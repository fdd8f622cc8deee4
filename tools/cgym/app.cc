// The cgym tool's top-level app: the list of subcommands and the single place
// where errors become messages and exit statuses.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cgym/cgym.h"
#include "cli/commands.h"
#include "cli/distributed.h"

namespace cgym::cli {

void add_all_commands(CLI::App& app) {
  add_envs_command(app);
  add_spaces_command(app);
  add_datasets_command(app);
  add_benchmarks_command(app);
  add_manual_command(app);
  add_random_search_command(app);
  add_greedy_command(app);
  add_eval_command(app);
  add_replay_command(app);
  add_validate_command(app);
}

int run(int argc, char** argv) {
  CLI::App app{"cgym: compiler optimization as Gym environments"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  cgym envs\n"
      "  cgym spaces --env llvm-ic-v0\n"
      "  cgym datasets\n"
      "  cgym benchmarks cgym-v0 --limit 5\n"
      "  cgym manual --env llvm-ic-v0 --benchmark benchmark://cgym-v0/crc32\n"
      "  cgym random-search --env llvm-ic-v0 --benchmark cgym-v0/crc32 --runtime 10 "
      "--output-dir out\n"
      "  cgym greedy --env llvm-ic-v0 --benchmark cgym-v0/crc32\n"
      "  cgym eval --policy greedy --dataset cgym-v0 --limit 3 --output states.csv\n"
      "  cgym replay states.csv\n"
      "  cgym validate states.csv\n"
      "Run 'cgym SUBCOMMAND --help' for the options and examples of a subcommand.\n"
      "Docs: docs/cli.md");
  add_all_commands(app);
  set_exit_code(0);
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  // The tool's usage is `cgym SUBCOMMAND [OPTIONS]`, so argv[1] names the
  // subcommand. CLI11 reports a misspelt one as "A subcommand is required":
  // name it instead.
  std::string chosen;
  if (argc > 1 && argv[1][0] != '-') {
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::cerr << "cgym: error: unknown subcommand '" << argv[1] << "'; valid subcommands: ";
      for (size_t i = 0; i < names.size(); ++i) std::cerr << (i ? ", " : "") << names[i];
      std::cerr << "\n";
      return 1;
    }
    chosen = argv[1];
  }
  // Usage errors read like every other error of the tool.
  app.failure_message([chosen](const CLI::App*, const CLI::Error& e) {
    const std::string help = chosen.empty() ? "cgym --help" : "cgym " + chosen + " --help";
    return "cgym: error: " + std::string(e.what()) + "\nRun '" + help +
           "' for the options and examples.\n";
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    if (quiet_rank()) return 1;  // under MPI, rank 0 reports the job's errors
    std::cout.flush();
    std::cerr << "cgym: error: " << e.what() << "\n";
    return 1;
  }
  return exit_code();
}

}  // namespace cgym::cli

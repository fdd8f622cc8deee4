// The cgym tool with the test-only toy envs registered, so that every
// subcommand can be tested end to end without a compiler backend.
#include "cli/commands.h"
#include "toy/toy_backend.h"

int main(int argc, char** argv) {
  cgym::toy::register_toy_envs();
  return cgym::cli::run(argc, argv);
}

// The cgym command-line tool (see docs/cli.md).
#include "cli/commands.h"

int main(int argc, char** argv) { return cgym::cli::run(argc, argv); }

// claude-usagectl: the client of claude-usaged's control socket (lib/ctl/cli.h).
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctl/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  cu::ctl::CliIo io{std::cin, std::cout, std::cerr, cu::Environment::current(), ::isatty(STDOUT_FILENO) == 1};
  return cu::ctl::run_cli(args, io);
}

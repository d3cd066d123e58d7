// claude-usagectl: the client of claude-usaged's control socket (lib/ctl/cli.h).
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctl/cli.h"

int main(int argc, char** argv) {
  // Output to a reader that went away (`claude-usagectl daily | head -1`) ends with exit code 6
  // rather than death by SIGPIPE; see exit_code_after_flush.
  std::signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv + 1, argv + argc);
  cu::ctl::CliIo io{std::cin, std::cout, std::cerr, cu::Environment::current(), ::isatty(STDOUT_FILENO) == 1};
  return cu::ctl::exit_code_after_flush(cu::ctl::run_cli(args, io), std::cout);
}

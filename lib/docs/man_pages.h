#pragma once
// The package's man pages, each generated from the tables its program runs on: claude-usaged(8)
// from the daemon's command line, claude-usagectl(1) from the CLI's options and the command
// registry, claude-usaged.yaml(5) from the config key table.
#include <string>

namespace cu::docs {

std::string daemon_man_page();  // claude-usaged(8)
std::string ctl_man_page();     // claude-usagectl(1)
std::string config_man_page();  // claude-usaged.yaml(5)

}  // namespace cu::docs

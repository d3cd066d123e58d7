#pragma once
// Every file the build generates from the programs' tables (cu-gen-docs writes them, the package
// installs them): the man pages and the shell completions of both programs.
#include <string>
#include <vector>

namespace cu::docs {

struct GeneratedFile {
  std::string path;  // below the installation's share/: "man/man1/claude-usagectl.1"
  std::string text;
};

std::vector<GeneratedFile> generated_files();

}  // namespace cu::docs

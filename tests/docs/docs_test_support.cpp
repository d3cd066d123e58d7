#include "docs/docs_test_support.h"

#include <sstream>

namespace cu::docs::test {

std::string generated(const std::string& path) {
  for (const GeneratedFile& file : generated_files()) {
    if (file.path == path) return file.text;
  }
  ADD_FAILURE() << path << " is not generated";
  return "";
}

bool have_program(const std::string& program) {
  return cu::test::run_command("command -v " + cu::test::shell_quote(program) + " >/dev/null 2>&1").exit_code == 0;
}

std::filesystem::path written(const cu::test::TempDir& dir, const std::string& name, const std::string& text) {
  const std::filesystem::path path = dir.path() / name;
  cu::test::write_file(path, text);
  return path;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace cu::docs::test

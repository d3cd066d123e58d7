// cu-gen-docs: writes the man pages and shell completions (lib/docs/generated_files.h) below a
// directory, at build time. The build names every file it expects; naming one the library does not
// generate, or leaving one out, is an error, so that the build's list and the library's agree.
//   cu-gen-docs OUT_DIR PATH...   (PATH below OUT_DIR, as in generated_files())
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <fmt/format.h>

#include "docs/generated_files.h"

namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: cu-gen-docs OUT_DIR PATH...\n", stderr);
    return 2;
  }
  try {
    const fs::path out_dir = argv[1];
    std::set<std::string> expected(argv + 2, argv + argc);
    for (const cu::docs::GeneratedFile& file : cu::docs::generated_files()) {
      if (expected.erase(file.path) == 0) {
        throw std::runtime_error(fmt::format("{} is generated but not named by the build", file.path));
      }
      write_file(out_dir / file.path, file.text);
    }
    if (!expected.empty()) {
      throw std::runtime_error(fmt::format("{} is named by the build but not generated", *expected.begin()));
    }
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cu-gen-docs: %s\n", error.what());
    return 1;
  }
}

#include "integration/generated_corpus.h"

#include <gtest/gtest.h>

#include <sstream>

#include <fmt/format.h>

#include "support/test_support.h"

namespace cu::test {

namespace {

void generate(const std::filesystem::path& dir, const std::string& flags) {
  const std::string command =
      fmt::format("{} --out {} --size-mb 24 --seed 7 --months 4 {} >/dev/null",
                  shell_quote((bin_dir() / "cu-gen-logs").string()), shell_quote(dir.string()), flags);
  EXPECT_EQ(run_command(command).exit_code, 0) << command;
}

}  // namespace

const std::filesystem::path& generated_corpus() {
  static TempDir dir;
  static const bool made = (generate(dir.path(), ""), true);
  (void)made;
  return dir.path();
}

const std::filesystem::path& generated_corpus_without_progress() {
  static TempDir dir;
  static const bool made = (generate(dir.path(), "--no-progress-mirrors"), true);
  (void)made;
  return dir.path();
}

std::optional<std::filesystem::path> shared_logs_without_progress() {
  namespace fs = std::filesystem;
  const auto logs = shared_claude_logs();
  if (!logs) return std::nullopt;
  static TempDir dir;
  static const bool made = [&] {
    for (const auto& entry : fs::recursive_directory_iterator(*logs / "projects")) {
      if (!entry.is_regular_file()) continue;
      std::string kept;
      std::istringstream lines(read_file(entry.path()));
      for (std::string line; std::getline(lines, line);) {
        const bool progress_usage = line.find("\"type\":\"progress\"") != std::string::npos &&
                                    line.find("\"usage\"") != std::string::npos;
        if (!progress_usage) kept += line + "\n";
      }
      write_file(dir.path() / fs::relative(entry.path(), *logs), kept);
    }
    return true;
  }();
  (void)made;
  return dir.path();
}

}  // namespace cu::test

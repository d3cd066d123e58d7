#pragma once
// What the docs tests share: the generated files by path, and the tools that check them.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "docs/generated_files.h"
#include "support/test_support.h"

namespace cu::docs::test {

// The generated file at `path` (generated_files()); fails the test when there is none.
std::string generated(const std::string& path);

// Whether `program` is on PATH.
bool have_program(const std::string& program);

// `text` written to `name` in `dir`, for a tool to read.
std::filesystem::path written(const cu::test::TempDir& dir, const std::string& name, const std::string& text);

// The lines of `text`, empty ones left out.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace cu::docs::test

// Skips the test without `program`, or fails it under CI=true (scripts/install-deps installs it).
#define REQUIRE_PROGRAM(program)                                                            \
  do {                                                                                      \
    if (!::cu::docs::test::have_program(program)) {                                         \
      if (::cu::test::running_in_ci()) FAIL() << program << " is missing (scripts/install-deps)"; \
      GTEST_SKIP() << program << " is not installed";                                       \
    }                                                                                       \
  } while (false)

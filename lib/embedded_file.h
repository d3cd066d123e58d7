#pragma once
// Text files compiled into the binary (migrations, price table, the dashboard); see cmake/EmbedFiles.cmake.
#include <span>
#include <string_view>

namespace cu {

struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

namespace embedded {
extern const std::span<const EmbeddedFile> sqlite_migrations;
extern const std::span<const EmbeddedFile> postgres_migrations;
extern const std::span<const EmbeddedFile> dashboard;  // lib/http/dashboard/: the web dashboard's one page
}  // namespace embedded

}  // namespace cu

#include "tools.h"

#include <algorithm>
#include <array>

namespace cu::gen {
namespace {

constexpr std::array<std::string_view, 14> kCommands = {"git status",
                                                        "git diff --stat",
                                                        "npm test",
                                                        "npm run build 2>&1 | tail -50",
                                                        "cargo test --workspace",
                                                        "cargo clippy --all-targets",
                                                        "pytest -q tests/",
                                                        "go test ./...",
                                                        "ls -la src",
                                                        "make -j4",
                                                        "rg -n \\\"TODO\\\" src",
                                                        "docker compose ps",
                                                        "git log --oneline -20",
                                                        "cmake --build build --target all"};

constexpr std::array<std::string_view, 16> kRelativePaths = {
    "src/main.rs",        "src/lib.rs",     "src/api/handlers.ts", "src/components/App.tsx",
    "internal/server.go", "app/models.py",  "tests/test_api.py",   "README.md",
    "Cargo.toml",         "package.json",   "src/db/schema.sql",   "lib/parser.cpp",
    "lib/parser.h",       "docs/design.md", "scripts/deploy.sh",   "config/settings.yaml"};

constexpr std::array<std::string_view, 8> kPatterns = {"TODO",           "fn parse",    "useState",
                                                       "import .* from", "SELECT",      "async def",
                                                       "error\\\\(",     "class \\\\w+"};

constexpr std::array<std::string_view, 6> kGlobs = {"**/*.ts", "**/*.rs", "src/**/*.py",
                                                    "**/*.go", "**/*.md", "**/CMakeLists.txt"};

constexpr std::array<double, 7> kToolWeights = {30, 30, 14, 10, 5, 5, 6};

template <std::size_t N>
std::string_view pick(Rng& rng, const std::array<std::string_view, N>& items) {
  return items[rng.below(N)];
}

void append_todos(std::string& out, Rng& rng, const Pools& pools) {
  out.append("{\"todos\":[");
  const auto count = rng.between(2, 6);
  for (std::int64_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"content\":\"");
    out.append(pools.prose.slice(rng, static_cast<std::size_t>(rng.between(20, 80))));
    out.append(i == 0 ? "\",\"status\":\"in_progress\"" : "\",\"status\":\"pending\"");
    out.append(",\"activeForm\":\"Working\"}");
  }
  out.append("]}");
}

void append_path_input(std::string& out, Rng& rng, std::string_view key, std::string_view cwd) {
  out.append("{\"");
  out.append(key);
  out.append("\":\"");
  append_file_path(out, rng, cwd);
  out.push_back('"');
}

}  // namespace

std::string_view tool_name(Tool tool) {
  switch (tool) {
    case Tool::kBash: return "Bash";
    case Tool::kRead: return "Read";
    case Tool::kEdit: return "Edit";
    case Tool::kGrep: return "Grep";
    case Tool::kGlob: return "Glob";
    case Tool::kWrite: return "Write";
    case Tool::kTodoWrite: return "TodoWrite";
    case Tool::kTask: return "Task";
  }
  return "Bash";
}

Tool draw_tool(Rng& rng) { return static_cast<Tool>(rng.weighted(kToolWeights)); }

void append_file_path(std::string& out, Rng& rng, std::string_view cwd) {
  out.append(cwd);
  out.push_back('/');
  out.append(pick(rng, kRelativePaths));
}

void append_tool_input(std::string& out, Tool tool, Rng& rng, const Pools& pools,
                       std::string_view cwd) {
  switch (tool) {
    case Tool::kBash:
      out.append("{\"command\":\"");
      out.append(pick(rng, kCommands));
      out.append("\",\"description\":\"");
      out.append(pools.prose.slice(rng, static_cast<std::size_t>(rng.between(15, 60))));
      out.append("\"}");
      return;
    case Tool::kRead:
      append_path_input(out, rng, "file_path", cwd);
      out.push_back('}');
      return;
    case Tool::kEdit:
      append_path_input(out, rng, "file_path", cwd);
      out.append(",\"old_string\":\"");
      out.append(pools.output.slice(rng, static_cast<std::size_t>(rng.between(30, 400))));
      out.append("\",\"new_string\":\"");
      out.append(pools.output.slice(rng, static_cast<std::size_t>(rng.between(30, 600))));
      out.append("\"}");
      return;
    case Tool::kGrep:
      out.append("{\"pattern\":\"");
      out.append(pick(rng, kPatterns));
      out.append("\",\"path\":\"");
      out.append(cwd);
      out.append("\",\"output_mode\":\"content\"}");
      return;
    case Tool::kGlob:
      out.append("{\"pattern\":\"");
      out.append(pick(rng, kGlobs));
      out.append("\"}");
      return;
    case Tool::kWrite:
      append_path_input(out, rng, "file_path", cwd);
      out.append(",\"content\":\"");
      out.append(pools.output.slice(rng, static_cast<std::size_t>(rng.between(200, 5000))));
      out.append("\"}");
      return;
    case Tool::kTodoWrite: append_todos(out, rng, pools); return;
    case Tool::kTask:
      append_task_input(out,
                        pools.prose.slice(rng, static_cast<std::size_t>(rng.between(100, 700))));
      return;
  }
}

void append_task_input(std::string& out, std::string_view prompt) {
  out.append("{\"description\":\"Explore the code\",\"prompt\":\"");
  out.append(prompt);
  out.append("\",\"subagent_type\":\"Explore\"}");
}

std::size_t draw_result_size(Rng& rng, Tool tool) {
  if (tool == Tool::kWrite || tool == Tool::kTodoWrite || tool == Tool::kGlob) {
    return static_cast<std::size_t>(rng.between(60, 600));
  }
  const double roll = rng.unit();
  if (roll < 0.001) return static_cast<std::size_t>(rng.log_uniform(60'000, 1'000'000));
  if (roll < 0.025) return static_cast<std::size_t>(rng.log_uniform(20'000, 100'000));
  return static_cast<std::size_t>(std::clamp(rng.lognormal(800, 1.3), 20.0, 20'000.0));
}

}  // namespace cu::gen

#pragma once
// Tool calls in generated conversations: names, inputs, and the size and shape of their results.
#include <cstdint>
#include <string>
#include <string_view>

#include "rng.h"
#include "text_pool.h"

namespace cu::gen {

enum class Tool { kBash, kRead, kEdit, kGrep, kGlob, kWrite, kTodoWrite, kTask };

// The filler every part of the generator draws text from; built once per corpus.
struct Pools {
  TextPool prose;
  TextPool output;
  TextPool signatures;
};

std::string_view tool_name(Tool tool);

// An ordinary tool (never kTask) with realistic frequencies.
Tool draw_tool(Rng& rng);

// Appends the tool_use input object, e.g. {"command":"…","description":"…"}.
void append_tool_input(std::string& out, Tool tool, Rng& rng, const Pools& pools,
                       std::string_view cwd);

// The input of a Task call that starts a subagent with `prompt`.
void append_task_input(std::string& out, std::string_view prompt);

// Bytes of text a tool prints: mostly about a KB, sometimes tens of KB, rarely 60 KB to 1 MB
// (which Claude Code often writes twice in a line: 120 KB to 2 MB lines).
std::size_t draw_result_size(Rng& rng, Tool tool);

// A file path below cwd, already escaped.
void append_file_path(std::string& out, Rng& rng, std::string_view cwd);

}  // namespace cu::gen

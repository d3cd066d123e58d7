#pragma once
// One API response of a generated conversation: its content blocks, its token usage (driven by a
// model of the conversation's cached context), and how it is split into streamed lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ids.h"
#include "line_format.h"
#include "models.h"
#include "rng.h"
#include "tools.h"

namespace cu::gen {

// The prompt cache as the API sees one conversation (main thread or subagent).
struct TokenState {
  std::int64_t base = 15'000;     // system prompt and tools, cached across sessions
  std::int64_t context = 15'000;  // tokens already in the conversation (cached or not)
  std::int64_t pending = 0;       // tokens added since the last request (prompt, results, output)
  std::int64_t cap = 180'000;     // compaction threshold
  bool fresh = true;              // next request writes the whole context to the cache
  bool long_context = false;      // 1M-context session: contexts above 200k, some huge inputs
};

enum class CacheMode { kFiveMinutes, kOneHour, kMixed };

struct Block {
  enum class Kind { kThinking, kText, kToolUse };
  Kind kind = Kind::kText;
  std::string_view text;       // thinking or text; the prompt of a Task
  std::string_view signature;  // thinking
  ShortId tool_use_id;
  Tool tool = Tool::kBash;
  std::size_t input_begin = 0;  // tool input JSON is Response::inputs[input_begin, input_end)
  std::size_t input_end = 0;
};

struct Response {
  ShortId message_id;
  ShortId request_id;  // empty: the lines carry no requestId
  const ModelProfile* model = nullptr;
  Usage usage;
  std::int64_t output = 0;  // final output_tokens
  std::vector<Block> blocks;
  std::string inputs;                      // tool input objects, back to back
  std::vector<std::int64_t> line_outputs;  // output_tokens written on each line (non-decreasing)
  bool one_line = false;                   // all blocks on a single line

  std::size_t line_count() const { return one_line ? 1 : blocks.size(); }
  std::string_view input(const Block& block) const {
    return std::string_view(inputs).substr(block.input_begin, block.input_end - block.input_begin);
  }
};

// What shapes the responses of one thread.
struct ResponseStyle {
  ClientStyle client = ClientStyle::kV20;
  CacheMode cache_mode = CacheMode::kFiveMinutes;
  bool vertex_ids = false;
  bool streamed_partials = true;  // earlier lines show a small partial output_tokens
  bool one_line = false;          // --no-requestid-dups
  bool fast = false;              // usage.speed "fast"
};

// Fills blocks: a working response (tools > 0) or the turn's final answer (tools == 0).
// tasks of the tools are Task calls; requires tools + text/thinking blocks <= 10.
void build_blocks(Response& response, Rng& rng, const Pools& pools, std::string_view cwd, int tools,
                  int tasks);

// Sets usage, output and line_outputs from the blocks and advances the token state.
void account_tokens(Response& response, TokenState& tokens, Rng& rng, const ResponseStyle& style);

// Appends the message object of line `line`, without its closing brace (so that a caller can
// add "context_management" before closing it).
void append_message_open(std::string& out, const Response& response, std::size_t line,
                         ClientStyle client, bool iterations);

}  // namespace cu::gen

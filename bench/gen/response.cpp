#include "response.h"

#include <algorithm>

namespace cu::gen {
namespace {

std::size_t draw_length(Rng& rng, double median, double sigma, double lo, double hi) {
  return static_cast<std::size_t>(std::clamp(rng.lognormal(median, sigma), lo, hi));
}

std::int64_t draw_count(Rng& rng, double median, double sigma) {
  return static_cast<std::int64_t>(std::max(1.0, rng.lognormal(median, sigma)));
}

void add_thinking(Response& response, Rng& rng, const Pools& pools) {
  Block block;
  block.kind = Block::Kind::kThinking;
  block.text = pools.prose.slice(rng, draw_length(rng, 500, 0.8, 50, 6000));
  block.signature = pools.signatures.slice(rng, static_cast<std::size_t>(rng.between(300, 1400)));
  response.blocks.push_back(block);
}

void add_text(Response& response, Rng& rng, const Pools& pools, bool answer) {
  Block block;
  block.kind = Block::Kind::kText;
  block.text = answer ? pools.prose.slice(rng, draw_length(rng, 700, 0.9, 20, 12000))
                      : pools.prose.slice(rng, draw_length(rng, 150, 0.8, 10, 2000));
  response.blocks.push_back(block);
}

void add_tool_use(Response& response, Rng& rng, const Pools& pools, std::string_view cwd,
                  bool task) {
  Block block;
  block.kind = Block::Kind::kToolUse;
  block.tool = task ? Tool::kTask : draw_tool(rng);
  block.tool_use_id = make_tool_use_id(rng);
  block.input_begin = response.inputs.size();
  if (task) {
    block.text = pools.prose.slice(rng, static_cast<std::size_t>(rng.between(100, 700)));
    append_task_input(response.inputs, block.text);
  } else {
    append_tool_input(response.inputs, block.tool, rng, pools, cwd);
  }
  block.input_end = response.inputs.size();
  response.blocks.push_back(block);
}

std::int64_t draw_output(const Response& response, Rng& rng) {
  std::int64_t total = 0;
  bool answer = true;
  for (const Block& block : response.blocks) answer = answer && block.kind != Block::Kind::kToolUse;
  for (const Block& block : response.blocks) {
    switch (block.kind) {
      case Block::Kind::kThinking: total += draw_count(rng, 150, 0.9); break;
      case Block::Kind::kText:
        total += answer ? draw_count(rng, 280, 0.9) : draw_count(rng, 45, 0.7);
        break;
      case Block::Kind::kToolUse:
        total +=
            draw_count(rng, 60, 0.6) + static_cast<std::int64_t>(response.input(block).size() / 4);
        break;
    }
  }
  return std::clamp<std::int64_t>(total, 1, 32'000);
}

// Uncached input: a handful of tokens usually, sometimes a larger uncached prompt.
std::int64_t draw_uncached_input(Rng& rng) {
  const double roll = rng.unit();
  if (roll < 0.75) return rng.between(1, 12);
  if (roll < 0.95) return rng.between(13, 400);
  return rng.between(400, 6000);
}

void split_cache_creation(Usage& usage, CacheMode mode, Rng& rng) {
  switch (mode) {
    case CacheMode::kFiveMinutes: usage.ephemeral_5m = usage.cache_creation; break;
    case CacheMode::kOneHour: usage.ephemeral_5m = 0; break;
    case CacheMode::kMixed:
      usage.ephemeral_5m =
          static_cast<std::int64_t>(rng.unit() * static_cast<double>(usage.cache_creation));
      break;
  }
  usage.ephemeral_1h = usage.cache_creation - usage.ephemeral_5m;
}

void fill_line_outputs(Response& response, Rng& rng, bool partials) {
  response.line_outputs.clear();
  const std::size_t lines = response.line_count();
  if (partials && lines > 1) {
    std::int64_t value = rng.between(1, std::min<std::int64_t>(response.output, 12));
    for (std::size_t i = 0; i + 1 < lines; ++i) {
      if (rng.chance(0.15)) value = std::min(response.output, value + rng.between(1, 40));
      response.line_outputs.push_back(value);
    }
  } else {
    response.line_outputs.assign(lines - 1, response.output);
  }
  response.line_outputs.push_back(response.output);
}

void append_block(std::string& out, const Response& response, const Block& block) {
  switch (block.kind) {
    case Block::Kind::kThinking:
      out.append("{\"type\":\"thinking\",\"thinking\":\"");
      out.append(block.text);
      out.append("\",\"signature\":\"");
      out.append(block.signature);
      out.append("\"}");
      return;
    case Block::Kind::kText:
      out.append("{\"type\":\"text\",\"text\":\"");
      out.append(block.text);
      out.append("\"}");
      return;
    case Block::Kind::kToolUse:
      out.append("{\"type\":\"tool_use\",\"id\":\"");
      out.append(block.tool_use_id.view());
      out.append("\",\"name\":\"");
      out.append(tool_name(block.tool));
      out.append("\",\"input\":");
      out.append(response.input(block));
      out.push_back('}');
      return;
  }
}

void append_content(std::string& out, const Response& response, std::size_t line) {
  out.append("\"content\":[");
  if (response.one_line) {
    for (std::size_t i = 0; i < response.blocks.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_block(out, response, response.blocks[i]);
    }
  } else {
    append_block(out, response, response.blocks[line]);
  }
  out.append("],");
}

std::string_view stop_reason(const Response& response, std::size_t line, ClientStyle client) {
  if (client != ClientStyle::kV21 || line + 1 != response.line_count()) return "null";
  return response.blocks.back().kind == Block::Kind::kToolUse ? "\"tool_use\"" : "\"end_turn\"";
}

}  // namespace

void build_blocks(Response& response, Rng& rng, const Pools& pools, std::string_view cwd, int tools,
                  int tasks) {
  response.blocks.clear();
  response.inputs.clear();
  const bool answer = tools == 0;
  if (rng.chance(answer ? 0.3 : 0.4)) add_thinking(response, rng, pools);
  if (answer) {
    add_text(response, rng, pools, true);
    if (rng.chance(0.05)) add_text(response, rng, pools, true);
  } else if (rng.chance(0.5)) {
    add_text(response, rng, pools, false);
  }
  for (int i = 0; i < tools; ++i) add_tool_use(response, rng, pools, cwd, i < tasks);
}

void account_tokens(Response& response, TokenState& tokens, Rng& rng, const ResponseStyle& style) {
  Usage usage;
  usage.split = style.client != ClientStyle::kV1;
  if (style.client == ClientStyle::kV21) usage.speed = style.fast ? "fast" : "standard";
  if (tokens.long_context && !tokens.fresh && rng.chance(0.03)) {
    usage.input = tokens.context + tokens.pending;  // an uncached request over the whole context
  } else if (tokens.fresh || rng.chance(0.02)) {
    usage.input = draw_uncached_input(rng);
    usage.cache_read = tokens.base;
    usage.cache_creation = std::max<std::int64_t>(0, tokens.context - tokens.base + tokens.pending);
  } else {
    usage.input = draw_uncached_input(rng);
    usage.cache_read = tokens.context;
    usage.cache_creation = tokens.pending;
  }
  split_cache_creation(usage, style.cache_mode, rng);
  tokens.context += tokens.pending;
  tokens.fresh = false;
  response.usage = usage;
  response.one_line = style.one_line;
  response.output = draw_output(response, rng);
  tokens.pending = response.output;
  fill_line_outputs(response, rng, style.streamed_partials);
}

void append_message_open(std::string& out, const Response& response, std::size_t line,
                         ClientStyle client, bool iterations) {
  if (client == ClientStyle::kV1) {
    out.append("{\"id\":\"");
    out.append(response.message_id.view());
    out.append("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"");
    out.append(response.model->name);
    out.append("\",");
  } else {
    out.append("{\"model\":\"");
    out.append(response.model->name);
    out.append("\",\"id\":\"");
    out.append(response.message_id.view());
    out.append("\",\"type\":\"message\",\"role\":\"assistant\",");
  }
  append_content(out, response, line);
  out.append("\"stop_reason\":");
  out.append(stop_reason(response, line, client));
  out.append(",\"stop_sequence\":null,\"usage\":");
  append_usage(out, response.usage, response.line_outputs[line], client, iterations);
}

}  // namespace cu::gen

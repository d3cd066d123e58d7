#include "session_writer.h"

#include <algorithm>
#include <array>

namespace cu::gen {
namespace {

// A resumable session keeps at most this much of its main file in memory.
constexpr std::size_t kRetainLimit = std::size_t{8} << 20;
constexpr std::int64_t kMaxResultTokens = 25'000;  // Claude Code truncates what a tool returns

constexpr std::array<std::string_view, 4> kApiErrors = {
    "API Error: 500 {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"api_error\\\","
    "\\\"message\\\":\\\"Internal server error\\\"}}",
    "API Error: 529 "
    "{\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"overloaded_error\\\","
    "\\\"message\\\":\\\"Overloaded\\\"}}",
    "API Error: Request was aborted.",
    "API Error: 400 due to tool use concurrency issues. Run /rewind to recover the conversation."};

constexpr std::string_view kTodoResult =
    "Todos have been modified successfully. Ensure that you continue to use the todo list to track "
    "your progress. Please proceed with the current tasks if applicable";

constexpr std::string_view kCompactPreamble =
    "This session is being continued from a previous conversation that ran out of context. The "
    "conversation is summarized below:\\n";

std::size_t count_lines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::size_t count_usage_lines(std::string_view text) {
  std::size_t count = 0;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    if (text.substr(begin, end - begin).find("\"usage\":{") != std::string_view::npos) ++count;
    begin = end + 1;
  }
  return count;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

Millis draw_turn_pause(Rng& rng) {
  const double roll = rng.unit();
  if (roll < 0.01) return rng.between(5 * kHour + kMinute, 16 * kHour);
  if (roll < 0.04) return rng.between(30 * kMinute, 4 * kHour);
  return static_cast<Millis>(std::clamp(rng.lognormal(75'000, 1.1), 3'000.0, 40.0 * kMinute));
}

Millis draw_tool_duration(Rng& rng, Tool tool) {
  if (tool != Tool::kBash) return rng.between(20, 400);
  return static_cast<Millis>(std::clamp(rng.lognormal(2'500, 1.3), 50.0, 10.0 * kMinute));
}

int draw_tool_count(Rng& rng, bool sidechain) {
  const double roll = rng.unit();
  if (roll < (sidechain ? 0.55 : 0.8)) return 1;
  if (roll < 0.95) return static_cast<int>(rng.between(2, 3));
  return static_cast<int>(rng.between(4, 7));
}

void add_file(GenSummary& summary, const JsonlFile& file) {
  ++summary.files;
  summary.lines += file.lines();
  summary.usage_lines += file.usage_lines();
  summary.bytes += file.bytes();
}

}  // namespace

// Progress lines that repeat a subagent's lines inside its parent's file; merged into the parent
// by timestamp once every subagent of a Task batch has finished.
struct SessionWriter::Mirror {
  struct Span {
    Millis at;
    std::size_t begin;
    std::size_t size;
    bool usage;
  };
  ShortId parent_uuid;  // the assistant line that called Task
  ShortId agent_id;
  ShortId parent_tool_use_id;  // the Task tool_use id
  ShortId tool_use_id;         // "agent_" + the calling message id
  std::string_view prompt;
  std::string text;
  std::vector<Span> spans;
};

// One conversation writing into one file: the main session or a subagent.
struct SessionWriter::Thread {
  JsonlFile* file = nullptr;
  bool sidechain = false;
  ShortId agent_id;
  ShortId last_uuid;  // parentUuid of the next line; empty: null
  Millis clock = 0;   // now, in this conversation
  Millis latest = 0;  // the latest timestamp written
  TokenState tokens;
  const ModelProfile* model = nullptr;
  bool fast = false;
  Mirror* mirror = nullptr;
  ShortId replay_message_id;  // the next response reuses this message.id (sidechain replay)
  Response response;
  std::string_view final_text;
  int tool_uses = 0;
  Millis started = 0;
};

SessionWriter::SessionWriter(const GenOptions& options, const Pools& pools, Rng& rng,
                             const SessionPlan& plan)
    : options_(options), pools_(pools), rng_(rng), plan_(plan) {
  traits_.cwd = plan.project->cwd;
  traits_.version = plan.version;
  traits_.git_branch = plan.project->git_branch;
  traits_.slug = plan.slug;
  traits_.session_id = plan.session_id;
  traits_.style = plan.client;
  traits_.envelope_last = plan.envelope_last;
  traits_.iterations = plan.client == ClientStyle::kV21 && rng_.chance(0.4);
  constexpr std::array<double, 3> kCacheModes = {0.65, 0.25, 0.10};
  cache_mode_ = static_cast<CacheMode>(rng_.weighted(kCacheModes));
  streamed_partials_ = rng_.chance(0.7);
  vertex_ids_ = rng_.chance(0.03);
  long_context_ = plan.model->tiered && rng_.chance(0.2);
}

SessionWriter::~SessionWriter() = default;

std::unique_ptr<ResumeSource> SessionWriter::write(GenSummary& summary) {
  const auto dir = options_.out_dir / "projects" / plan_.project->dir_name;
  main_file_ = std::make_unique<JsonlFile>(dir / (std::string(plan_.session_id.view()) + ".jsonl"));
  source_ = std::make_unique<ResumeSource>();
  source_->session_id = plan_.session_id;
  main_file_->tee_to(&source_->bytes);

  Thread main;
  start_main_thread(main);
  write_header(main);
  for (int turns = 0; turns == 0 || bytes_written() < plan_.budget; ++turns) {
    if (source_->bytes.size() < kRetainLimit) {
      source_->turn_starts.push_back(main_file_->bytes());
    } else {
      main_file_->tee_to(nullptr);
    }
    write_turn(main);
  }
  if (source_->bytes.size() == main_file_->bytes())
    source_->turn_starts.push_back(main_file_->bytes());
  main_file_->tee_to(nullptr);
  main_file_->close();
  add_file(written_, *main_file_);
  add_session(summary);

  source_->end = main.latest;
  source_->tokens = main.tokens;
  source_->model = main.model;
  source_->last_uuid = main.last_uuid;
  return std::move(source_);
}

void SessionWriter::start_main_thread(Thread& main) {
  main.file = main_file_.get();
  main.clock = plan_.start;
  main.model = plan_.model;
  main.fast = plan_.model->fast_capable && rng_.chance(0.3);
  main.tokens.base = rng_.between(12'000, 24'000);
  main.tokens.context = main.tokens.base;
  main.tokens.cap = rng_.between(150'000, 190'000);
  if (long_context_) {
    main.tokens.long_context = true;
    main.tokens.cap = 950'000;
    main.tokens.context += rng_.between(150'000, 420'000);
  }
}

void SessionWriter::add_session(GenSummary& summary) const {
  summary.files += written_.files;
  summary.lines += written_.lines;
  summary.usage_lines += written_.usage_lines;
  summary.bytes += written_.bytes;
  summary.subagents += written_.subagents;
  summary.resumed += written_.resumed;
  ++summary.sessions;
}

void SessionWriter::write_header(Thread& main) {
  std::string& out = main_file_->buffer();
  const int summaries =
      plan_.resume != nullptr ? static_cast<int>(rng_.between(1, 3)) : (rng_.chance(0.08) ? 1 : 0);
  for (int i = 0; i < summaries; ++i) {
    main_file_->begin_line();
    append_summary_line(out,
                        pools_.prose.slice(rng_, static_cast<std::size_t>(rng_.between(20, 70))),
                        make_uuid(rng_).view());
    main_file_->end_line(false);
  }
  if (plan_.resume != nullptr && options_.requestid_dups) copy_resumed(main);
  if (plan_.client == ClientStyle::kV21 && plan_.project->hooks) {
    bool fraction = true;
    const Millis at = stamp(main, fraction);
    const ShortId hook_id = make_uuid(rng_);
    main_file_->begin_line();
    begin_envelope(out, traits_, origin(main));
    out.append(
        "\"type\":\"progress\",\"data\":{\"type\":\"hook_progress\",\"hookEvent\":\"SessionStart\","
        "\"hookName\":\"SessionStart:startup\",\"command\":\"./scripts/session-start.sh\"},");
    append_field(out, "parentToolUseID", hook_id.view());
    append_field(out, "toolUseID", hook_id.view());
    finish_line(main, make_uuid(rng_).view(), at, fraction, false);
  }
}

void SessionWriter::copy_resumed(Thread& main) {
  const ResumeSource& source = *plan_.resume;
  if (source.turn_starts.size() < 2) return;
  const std::size_t limit = std::max<std::size_t>(plan_.budget * 7 / 10, source.turn_starts[1]);
  std::size_t last = source.turn_starts.size() - 1;
  if (rng_.chance(0.4))
    last = static_cast<std::size_t>(rng_.between(1, static_cast<std::int64_t>(last)));
  while (last > 1 && source.turn_starts[last] > limit) --last;
  const bool whole = last + 1 == source.turn_starts.size();
  line_.assign(source.bytes, 0, source.turn_starts[last]);
  replace_all(line_, source.session_id.view(), plan_.session_id.view());
  main_file_->append_lines(line_, count_lines(line_), count_usage_lines(line_));
  ++written_.resumed;

  main.model = source.model;
  main.tokens = source.tokens;
  main.tokens.fresh = true;  // the cache expired while the session was closed
  main.fast = false;
  if (whole) main.last_uuid = source.last_uuid;
  main.clock = std::max(main.clock, source.end + rng_.between(kMinute, 3 * kHour));
}

void SessionWriter::write_turn(Thread& main) {
  if (main.started != 0) main.clock += draw_turn_pause(rng_);
  main.started = main.clock;
  switch_model(main);
  if (main.tokens.context > main.tokens.cap) write_compaction(main);
  if (rng_.chance(0.04)) write_queue_operations(main);
  if (plan_.client != ClientStyle::kV1 && rng_.chance(0.85)) write_snapshot(main);
  const auto prompt_length =
      static_cast<std::size_t>(std::clamp(rng_.lognormal(200, 1.0), 10.0, 4000.0));
  write_prompt(main, pools_.prose.slice(rng_, prompt_length));
  const int rounds = static_cast<int>(std::clamp(rng_.lognormal(3, 0.9), 0.0, 40.0));
  for (int round = 0; round <= rounds; ++round) {
    if (rng_.chance(0.004)) {
      write_synthetic(main);
      if (rng_.chance(0.5)) break;
      continue;
    }
    const bool answer = round == rounds;
    int tasks = 0;
    if (!answer && plan_.client != ClientStyle::kV1 && rng_.chance(0.04)) {
      tasks = rng_.chance(0.25) ? static_cast<int>(rng_.between(2, 3)) : 1;
    }
    write_response(main, answer, tasks);
  }
  write_turn_end(main, main.started);
}

// The user sometimes changes model (/model) or toggles fast mode between turns.
void SessionWriter::switch_model(Thread& main) {
  if (!long_context_ && rng_.chance(0.03)) {
    const auto catalog = model_catalog();
    const ModelProfile& next = catalog[rng_.below(catalog.size())];
    if (!next.needs_recent_client || plan_.client == ClientStyle::kV21) main.model = &next;
  }
  main.fast = main.model->fast_capable && (rng_.chance(0.1) ? !main.fast : main.fast);
}

void SessionWriter::write_queue_operations(Thread& main) {
  std::string& out = main_file_->begin_line();
  append_queue_line(out, "enqueue", main.clock, plan_.session_id.view(),
                    pools_.prose.slice(rng_, static_cast<std::size_t>(rng_.between(20, 200))));
  main_file_->end_line(false);
  main_file_->begin_line();
  append_queue_line(out, "dequeue", main.clock + rng_.between(1, 40), plan_.session_id.view(), {});
  main_file_->end_line(false);
}

void SessionWriter::write_snapshot(Thread& main) {
  line_.assign("{}");
  if (rng_.chance(0.4)) {
    line_.assign("{\"");
    append_file_path(line_, rng_, plan_.project->cwd);
    line_.append("\":{\"backupFileName\":\"");
    line_.append(make_agent_id(rng_).view());
    line_.append("@v2\",\"version\":2,\"backupTime\":\"");
    append_timestamp(line_, main.clock - rng_.between(kSecond, kHour));
    line_.append("\"}}");
  }
  std::string& out = main_file_->begin_line();
  append_snapshot_line(out, make_uuid(rng_).view(), main.clock, line_, rng_.chance(0.1));
  main_file_->end_line(false);
}

void SessionWriter::write_prompt(Thread& thread, std::string_view text) {
  bool fraction = true;
  const Millis at = stamp(thread, fraction);
  std::string& out = thread.file->begin_line();
  begin_envelope(out, traits_, origin(thread));
  out.append("\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"");
  out.append(text);
  out.append("\"},");
  finish_line(thread, make_uuid(rng_).view(), at, fraction, false);
  thread.tokens.pending += static_cast<std::int64_t>(text.size() / 4) + 8;
}

void SessionWriter::write_response(Thread& thread, bool answer, int tasks) {
  Response& response = thread.response;
  const int tools = answer ? 0 : tasks + (tasks > 0 ? 0 : draw_tool_count(rng_, thread.sidechain));
  build_blocks(response, rng_, pools_, plan_.project->cwd, tools, tasks);
  response.model = thread.model;
  response.message_id = thread.replay_message_id.empty() ? make_message_id(rng_, vertex_ids_)
                                                         : thread.replay_message_id;
  thread.replay_message_id.clear();
  response.request_id.clear();
  if (!options_.missing_requestid || !rng_.chance(0.015))
    response.request_id = make_request_id(rng_);
  account_tokens(response, thread.tokens, rng_, response_style(thread));
  thread.clock += rng_.between(800, 7'000);
  write_assistant_lines(thread, response);
  const ShortId task_line_uuid = thread.last_uuid;
  for (const Block& block : response.blocks) {
    if (block.kind == Block::Kind::kToolUse && block.tool != Tool::kTask)
      write_tool_result(thread, block);
  }
  if (tasks > 0) run_subagents(thread, response, task_line_uuid.view());
  if (answer) thread.final_text = response.blocks.back().text;
}

void SessionWriter::write_assistant_lines(Thread& thread, const Response& response) {
  for (std::size_t line = 0; line < response.line_count(); ++line) {
    if (line > 0) thread.clock += rng_.between(150, 3'500);
    message_.clear();
    append_message_open(message_, response, line, plan_.client, traits_.iterations);
    bool fraction = true;
    const Millis at = stamp(thread, fraction);
    const ShortId uuid = make_uuid(rng_);
    std::string& out = thread.file->begin_line();
    begin_envelope(out, traits_, origin(thread));
    out.append("\"message\":");
    out.append(message_);
    out.append("},");
    if (!response.request_id.empty()) append_field(out, "requestId", response.request_id.view());
    out.append("\"type\":\"assistant\",");
    finish_line(thread, uuid.view(), at, fraction, true);
    if (thread.mirror != nullptr && options_.requestid_dups && options_.progress_mirrors) {
      mirror_line(thread, message_, response.request_id.view(), uuid.view(), at, fraction, true);
    }
  }
}

void SessionWriter::write_tool_result(Thread& thread, const Block& block) {
  const std::size_t size = std::max<std::size_t>(
      20, static_cast<std::size_t>(static_cast<double>(draw_result_size(rng_, block.tool)) * options_.tool_result_scale));
  const Millis duration = draw_tool_duration(rng_, block.tool);
  if (plan_.client == ClientStyle::kV21 && block.tool == Tool::kBash && duration > 3'000 &&
      rng_.chance(0.6)) {
    write_bash_progress(thread, block, duration);
  }
  thread.clock += duration;
  const std::string_view full = pools_.output.slice(rng_, size);
  const bool error = rng_.chance(0.03);
  build_result_message(block, full, error);

  bool fraction = true;
  const Millis at = stamp(thread, fraction);
  const ShortId uuid = make_uuid(rng_);
  const ShortId assistant_uuid = thread.last_uuid;
  std::string& out = thread.file->begin_line();
  begin_envelope(out, traits_, origin(thread));
  out.append("\"type\":\"user\",\"message\":");
  out.append(message_);
  out.append(",\"toolUseResult\":");
  if (error) {
    out.append("\"Error: File has not been read yet. Read it first before writing to it.\"");
  } else {
    append_tool_use_result(out, block.tool, full);
  }
  out.push_back(',');
  if (plan_.client == ClientStyle::kV21)
    append_field(out, "sourceToolAssistantUUID", assistant_uuid.view());
  finish_line(thread, uuid.view(), at, fraction, false);
  thread.tokens.pending +=
      error ? 30 : std::min<std::int64_t>(static_cast<std::int64_t>(size / 4), kMaxResultTokens);
  ++thread.tool_uses;
  if (thread.mirror != nullptr) mirror_line(thread, message_, {}, uuid.view(), at, fraction, false);
}

void SessionWriter::build_result_message(const Block& block, std::string_view full, bool error) {
  message_.assign("{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"");
  message_.append(block.tool_use_id.view());
  message_.append("\",\"type\":\"tool_result\",\"content\":\"");
  if (error) {
    message_.append(
        "<tool_use_error>File has not been read yet. Read it first before writing to it."
        "</tool_use_error>\",\"is_error\":true}]}");
    return;
  }
  const bool persisted = plan_.client == ClientStyle::kV21 && full.size() > 30'000 &&
                         (block.tool == Tool::kBash || block.tool == Tool::kGrep);
  if (persisted) {
    message_.append("<persisted-output>\\nOutput too large (");
    append_number(message_, static_cast<std::int64_t>(full.size() / 1024));
    message_.append("KB). Full output saved to: ");
    message_.append(plan_.project->cwd);
    message_.append("/.claude/tool-results/");
    message_.append(block.tool_use_id.view());
    message_.append(".txt\\n\\nPreview (first 2KB):\\n");
    message_.append(pools_.output.slice(rng_, 2'000));
    message_.append("\\n</persisted-output>");
  } else if (block.tool == Tool::kTodoWrite) {
    message_.append(kTodoResult);
  } else if (block.tool == Tool::kEdit || block.tool == Tool::kWrite) {
    message_.append("The file has been updated successfully.");
  } else {
    message_.append(full);
  }
  message_.append("\"}]}");
}

void SessionWriter::append_tool_use_result(std::string& out, Tool tool, std::string_view full) {
  const auto lines = static_cast<std::int64_t>(full.size() / 40 + 1);
  switch (tool) {
    case Tool::kBash:
      out.append("{\"stdout\":\"");
      out.append(full);
      out.append("\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false}");
      return;
    case Tool::kRead:
      out.append("{\"type\":\"text\",\"file\":{\"filePath\":\"");
      append_file_path(out, rng_, plan_.project->cwd);
      out.append("\",\"content\":\"");
      out.append(full);
      out.append("\",\"numLines\":");
      append_number(out, lines);
      out.append(",\"startLine\":1,\"totalLines\":");
      append_number(out, lines);
      out.append("}}");
      return;
    case Tool::kEdit:
      out.append("{\"filePath\":\"");
      append_file_path(out, rng_, plan_.project->cwd);
      out.append("\",\"oldString\":\"\",\"newString\":\"\",\"originalFile\":\"");
      out.append(full);
      out.append("\",\"structuredPatch\":[],\"userModified\":false,\"replaceAll\":false}");
      return;
    case Tool::kGrep:
    case Tool::kGlob:
      out.append("{\"mode\":\"content\",\"numFiles\":");
      append_number(out, rng_.between(1, 40));
      out.append(",\"filenames\":[],\"content\":\"");
      out.append(full);
      out.append("\",\"numLines\":");
      append_number(out, lines);
      out.push_back('}');
      return;
    case Tool::kWrite:
      out.append("{\"type\":\"create\",\"filePath\":\"");
      append_file_path(out, rng_, plan_.project->cwd);
      out.append("\",\"content\":\"");
      out.append(full);
      out.append("\",\"structuredPatch\":[]}");
      return;
    case Tool::kTodoWrite:
    case Tool::kTask: out.append("{\"oldTodos\":[],\"newTodos\":[]}"); return;
  }
}

void SessionWriter::write_bash_progress(Thread& thread, const Block& block, Millis duration) {
  const auto count = rng_.between(1, 6);
  for (std::int64_t i = 1; i <= count; ++i) {
    const Millis at = thread.clock + duration * i / (count + 1);
    const std::string_view output =
        pools_.output.slice(rng_, static_cast<std::size_t>(rng_.between(20, 300)));
    std::string& out = thread.file->begin_line();
    begin_envelope(out, traits_, origin(thread));
    out.append("\"type\":\"progress\",\"data\":{\"type\":\"bash_progress\",\"output\":\"");
    out.append(output);
    out.append("\",\"fullOutput\":\"");
    out.append(output);
    out.append("\",\"elapsedTimeSeconds\":");
    append_number(out, (duration * i / (count + 1)) / kSecond);
    out.append(",\"totalLines\":");
    append_number(out, i * 3);
    out.append("},\"toolUseID\":\"bash-progress-");
    append_number(out, i - 1);
    out.append("\",");
    append_field(out, "parentToolUseID", block.tool_use_id.view());
    thread.latest = std::max(thread.latest, at);
    end_envelope(out, traits_, make_uuid(rng_).view(), at, true);
    thread.file->end_line(false);
  }
}

void SessionWriter::run_subagents(Thread& parent, const Response& response,
                                  std::string_view task_line_uuid) {
  std::vector<std::unique_ptr<Thread>> subs;
  std::vector<std::unique_ptr<Mirror>> mirrors;
  std::vector<const Block*> tasks;
  for (const Block& block : response.blocks) {
    if (block.kind != Block::Kind::kToolUse || block.tool != Tool::kTask) continue;
    auto mirror = std::make_unique<Mirror>();
    mirror->agent_id = make_agent_id(rng_);
    mirror->parent_uuid.append(task_line_uuid);
    mirror->parent_tool_use_id = block.tool_use_id;
    mirror->tool_use_id.append("agent_");
    mirror->tool_use_id.append(response.message_id.view());
    mirror->prompt = block.text;
    auto file = std::make_unique<JsonlFile>(subagent_path(mirror->agent_id));
    auto sub = std::make_unique<Thread>();
    sub->file = file.get();
    sub->sidechain = true;
    sub->agent_id = mirror->agent_id;
    sub->clock = parent.clock + rng_.between(30, 800);
    sub->model = rng_.chance(0.55) ? &subagent_model() : parent.model;
    sub->tokens.base = rng_.between(6'000, 12'000);
    sub->tokens.context = sub->tokens.base;
    sub->tokens.cap = 2'000'000;
    sub->mirror = mirror.get();
    if (options_.sidechain_replays && rng_.chance(0.3))
      sub->replay_message_id = response.message_id;
    run_subagent(*sub, block);
    file->close();
    add_file(written_, *file);
    closed_subagent_bytes_ += file->bytes();
    ++written_.subagents;
    sub->file = nullptr;
    subs.push_back(std::move(sub));
    mirrors.push_back(std::move(mirror));
    tasks.push_back(&block);
  }

  std::vector<std::pair<const Mirror*, Mirror::Span>> spans;
  for (const auto& mirror : mirrors) {
    for (const Mirror::Span& span : mirror->spans) spans.emplace_back(mirror.get(), span);
  }
  std::stable_sort(spans.begin(), spans.end(),
                   [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
  for (const auto& [mirror, span] : spans) {
    parent.file->append_lines(std::string_view(mirror->text).substr(span.begin, span.size), 1,
                              span.usage ? 1 : 0);
    parent.latest = std::max(parent.latest, span.at);
  }
  Millis end = parent.clock;
  for (const auto& sub : subs) end = std::max(end, sub->clock);
  parent.clock = end + rng_.between(100, 900);
  parent.last_uuid.clear();
  parent.last_uuid.append(task_line_uuid);
  for (std::size_t i = 0; i < tasks.size(); ++i) write_task_result(parent, *tasks[i], *subs[i]);
}

void SessionWriter::run_subagent(Thread& sub, const Block& task) {
  sub.started = sub.clock;
  write_prompt(sub, task.text);
  const auto rounds = static_cast<std::int64_t>(std::clamp(rng_.lognormal(3, 0.8), 1.0, 25.0));
  for (std::int64_t round = 0; round <= rounds; ++round) write_response(sub, round == rounds, 0);
}

void SessionWriter::write_task_result(Thread& parent, const Block& block, const Thread& sub) {
  message_.assign("{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"");
  message_.append(block.tool_use_id.view());
  message_.append("\",\"type\":\"tool_result\",\"content\":[{\"type\":\"text\",\"text\":\"");
  message_.append(sub.final_text);
  message_.append("\"}]}]}");
  bool fraction = true;
  const Millis at = stamp(parent, fraction);
  std::string& out = parent.file->begin_line();
  begin_envelope(out, traits_, origin(parent));
  out.append("\"type\":\"user\",\"message\":");
  out.append(message_);
  out.append(",\"toolUseResult\":{\"status\":\"completed\",\"prompt\":\"");
  out.append(block.text);
  out.append("\",\"agentId\":\"");
  out.append(sub.agent_id.view());
  out.append("\",\"content\":[{\"type\":\"text\",\"text\":\"");
  out.append(sub.final_text);
  out.append("\"}],\"totalDurationMs\":");
  append_number(out, sub.clock - sub.started);
  out.append(",\"totalTokens\":");
  append_number(out, sub.tokens.context);
  out.append(",\"totalToolUseCount\":");
  append_number(out, sub.tool_uses);
  out.append("},");
  finish_line(parent, make_uuid(rng_).view(), at, fraction, false);
  parent.tokens.pending += static_cast<std::int64_t>(sub.final_text.size() / 4);
}

void SessionWriter::write_synthetic(Thread& thread) {
  thread.clock += rng_.between(500, 30'000);
  const bool api_error = rng_.chance(0.75);
  bool fraction = true;
  const Millis at = stamp(thread, fraction);
  std::string& out = thread.file->begin_line();
  begin_envelope(out, traits_, origin(thread));
  out.append("\"message\":{\"id\":\"");
  out.append(make_uuid(rng_).view());
  out.append(
      "\",\"container\":null,\"model\":\"<synthetic>\",\"role\":\"assistant\",\"stop_reason\":"
      "\"stop_sequence\",\"stop_sequence\":\"\",\"type\":\"message\",\"usage\":{\"input_tokens\":0,"
      "\"output_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
      "\"server_tool_use\":{\"web_search_requests\":0,\"web_fetch_requests\":0},\"service_tier\":"
      "null,"
      "\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,\"ephemeral_5m_input_tokens\":0}},"
      "\"content\":[{\"type\":\"text\",\"text\":\"");
  out.append(api_error ? kApiErrors[rng_.below(kApiErrors.size())] : "No response requested.");
  out.append("\"}],\"context_management\":null},");
  // Claude Code writes no requestId here; by default we add one so that every usage line has one.
  if (!options_.missing_requestid) append_field(out, "requestId", make_request_id(rng_).view());
  if (api_error) out.append("\"error\":\"invalid_request\",\"isApiErrorMessage\":true,");
  out.append("\"type\":\"assistant\",");
  finish_line(thread, make_uuid(rng_).view(), at, fraction, true);
}

void SessionWriter::write_compaction(Thread& thread) {
  const std::int64_t before = thread.tokens.context;
  if (plan_.client == ClientStyle::kV21) {
    bool fraction = true;
    const Millis at = stamp(thread, fraction);
    std::string& out = thread.file->begin_line();
    begin_envelope(out, traits_, LineOrigin{});
    out.append(
        "\"type\":\"system\",\"subtype\":\"compact_boundary\",\"content\":\"Conversation "
        "compacted\","
        "\"level\":\"info\",\"compactMetadata\":{\"trigger\":\"auto\",\"preTokens\":");
    append_number(out, before);
    out.append("},");
    finish_line(thread, make_uuid(rng_).view(), at, fraction, false);
  }
  thread.clock += rng_.between(20 * kSecond, 2 * kMinute);
  const std::string_view summary =
      pools_.prose.slice(rng_, static_cast<std::size_t>(rng_.between(1'500, 6'000)));
  bool fraction = true;
  const Millis at = stamp(thread, fraction);
  std::string& out = thread.file->begin_line();
  begin_envelope(out, traits_, origin(thread));
  out.append("\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"");
  out.append(kCompactPreamble);
  out.append(summary);
  out.append("\"},\"isVisibleInTranscriptOnly\":true,\"isCompactSummary\":true,");
  finish_line(thread, make_uuid(rng_).view(), at, fraction, false);
  thread.tokens.context = thread.tokens.base;
  thread.tokens.pending = static_cast<std::int64_t>(summary.size() / 4);
  thread.tokens.fresh = true;
}

void SessionWriter::write_turn_end(Thread& thread, Millis turn_start) {
  if (plan_.client == ClientStyle::kV1) return;
  if (plan_.project->hooks) {
    thread.clock += rng_.between(50, 400);
    bool fraction = true;
    const Millis at = stamp(thread, fraction);
    std::string& out = thread.file->begin_line();
    begin_envelope(out, traits_, origin(thread));
    out.append(
        "\"type\":\"system\",\"subtype\":\"stop_hook_summary\",\"hookCount\":1,\"hookInfos\":"
        "[{\"command\":\"./scripts/check.sh\",\"durationMs\":");
    append_number(out, rng_.between(40, 900));
    out.append(
        "}],\"hookErrors\":[],\"preventedContinuation\":false,\"stopReason\":\"\",\"hasOutput\":"
        "false,"
        "\"level\":\"suggestion\",");
    finish_line(thread, make_uuid(rng_).view(), at, fraction, false);
  }
  if (plan_.client == ClientStyle::kV21 && rng_.chance(0.5)) {
    bool fraction = true;
    const Millis at = stamp(thread, fraction);
    std::string& out = thread.file->begin_line();
    begin_envelope(out, traits_, origin(thread));
    out.append("\"type\":\"system\",\"subtype\":\"turn_duration\",\"durationMs\":");
    append_number(out, thread.clock - turn_start);
    out.append(",\"isMeta\":false,");
    finish_line(thread, make_uuid(rng_).view(), at, fraction, false);
  }
}

void SessionWriter::mirror_line(Thread& thread, std::string_view message_json,
                                std::string_view request_id, std::string_view uuid, Millis at,
                                bool fraction, bool assistant) {
  Mirror& mirror = *thread.mirror;
  const std::size_t begin = mirror.text.size();
  std::string& out = mirror.text;
  begin_envelope(out, traits_, LineOrigin{mirror.parent_uuid.view(), false, {}});
  out.append(
      assistant
          ? "\"type\":\"progress\",\"data\":{\"message\":{\"type\":\"assistant\",\"timestamp\":\""
          : "\"type\":\"progress\",\"data\":{\"message\":{\"type\":\"user\",\"timestamp\":\"");
  append_timestamp(out, at, fraction);
  out.append("\",\"message\":");
  out.append(message_json);
  if (assistant) out.append(",\"context_management\":null}");
  out.push_back(',');
  if (!request_id.empty()) append_field(out, "requestId", request_id);
  out.append("\"uuid\":\"");
  out.append(uuid);
  out.append("\"},\"normalizedMessages\":[],\"type\":\"agent_progress\",\"prompt\":\"");
  out.append(mirror.prompt);
  out.append("\",\"agentId\":\"");
  out.append(mirror.agent_id.view());
  out.append("\"},");
  append_field(out, "toolUseID", mirror.tool_use_id.view());
  append_field(out, "parentToolUseID", mirror.parent_tool_use_id.view());
  const Millis outer = at + rng_.between(2, 40);
  end_envelope(out, traits_, make_uuid(rng_).view(), outer, true);
  mirror.spans.push_back({outer, begin, out.size() - begin, assistant});
}

Millis SessionWriter::stamp(Thread& thread, bool& fraction) {
  fraction = !rng_.chance(0.003);
  Millis at = thread.clock;
  if (rng_.chance(0.015)) at -= rng_.between(1, 1'500);
  thread.latest = std::max(thread.latest, thread.clock);
  return at;
}

void SessionWriter::finish_line(Thread& thread, std::string_view uuid, Millis at, bool fraction,
                                bool usage) {
  end_envelope(thread.file->buffer(), traits_, uuid, at, fraction);
  thread.file->end_line(usage);
  thread.last_uuid.clear();
  thread.last_uuid.append(uuid);
}

LineOrigin SessionWriter::origin(const Thread& thread) const {
  return LineOrigin{thread.last_uuid.view(), thread.sidechain, thread.agent_id.view()};
}

ResponseStyle SessionWriter::response_style(const Thread& thread) const {
  ResponseStyle style;
  style.client = plan_.client;
  style.cache_mode = cache_mode_;
  style.vertex_ids = vertex_ids_;
  style.streamed_partials = streamed_partials_;
  style.one_line = !options_.requestid_dups;
  style.fast = thread.fast && thread.model->fast_capable;
  return style;
}

std::uint64_t SessionWriter::bytes_written() const {
  return main_file_->bytes() + closed_subagent_bytes_;
}

std::filesystem::path SessionWriter::subagent_path(const ShortId& agent_id) const {
  return options_.out_dir / "projects" / plan_.project->dir_name /
         std::string(plan_.session_id.view()) / "subagents" /
         ("agent-" + std::string(agent_id.view()) + ".jsonl");
}

}  // namespace cu::gen

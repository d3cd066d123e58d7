#pragma once
// Writes one Claude Code session: the main transcript <project>/<session>.jsonl and the subagent
// transcripts <project>/<session>/subagents/agent-<id>.jsonl it spawns.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gen_options.h"
#include "ids.h"
#include "jsonl_file.h"
#include "line_format.h"
#include "models.h"
#include "response.h"
#include "rng.h"
#include "tools.h"

namespace cu::gen {

struct Project {
  std::string cwd;       // e.g. /home/dev/code/api
  std::string dir_name;  // cwd with '/' replaced by '-'
  std::string git_branch;
  bool hooks = false;  // has SessionStart and Stop hooks
};

// The start of a finished session's main file, which a later session of the same project may
// copy when it resumes the conversation.
struct ResumeSource {
  ShortId session_id;
  std::string bytes;                     // the file's first bytes, whole lines
  std::vector<std::size_t> turn_starts;  // offsets in bytes where a user turn begins
  Millis end = 0;                        // the last timestamp written
  TokenState tokens;
  const ModelProfile* model = nullptr;
  ShortId last_uuid;
};

struct SessionPlan {
  const Project* project = nullptr;
  ShortId session_id;
  Millis start = 0;
  std::uint64_t budget = 0;  // bytes of main and subagent files to write, about
  const ModelProfile* model = nullptr;
  ClientStyle client = ClientStyle::kV20;
  std::string_view version;
  std::string_view slug;
  bool envelope_last = false;
  const ResumeSource* resume = nullptr;  // copy the start of this session first
};

class SessionWriter {
 public:
  SessionWriter(const GenOptions& options, const Pools& pools, Rng& rng, const SessionPlan& plan);
  ~SessionWriter();

  // Writes every file of the session and adds them to summary. Returns the session as a source
  // for a later resume. Throws std::system_error on I/O errors.
  std::unique_ptr<ResumeSource> write(GenSummary& summary);

 private:
  struct Thread;
  struct Mirror;

  void start_main_thread(Thread& main);
  void add_session(GenSummary& summary) const;
  void write_header(Thread& main);
  void copy_resumed(Thread& main);
  void write_turn(Thread& main);
  void switch_model(Thread& main);
  void write_queue_operations(Thread& main);
  void write_snapshot(Thread& main);
  void write_prompt(Thread& thread, std::string_view text);
  void write_response(Thread& thread, bool answer, int tasks);
  void write_assistant_lines(Thread& thread, const Response& response);
  void write_tool_result(Thread& thread, const Block& block);
  // Sets message_ to the user message carrying the tool_result.
  void build_result_message(const Block& block, std::string_view full, bool error);
  void append_tool_use_result(std::string& out, Tool tool, std::string_view full);
  void write_bash_progress(Thread& thread, const Block& block, Millis duration);
  void run_subagents(Thread& parent, const Response& response, std::string_view task_line_uuid);
  void run_subagent(Thread& sub, const Block& task);
  void write_task_result(Thread& parent, const Block& block, const Thread& sub);
  void write_synthetic(Thread& thread);
  void write_compaction(Thread& thread);
  void write_turn_end(Thread& thread, Millis turn_start);
  void mirror_line(Thread& thread, std::string_view message_json, std::string_view request_id,
                   std::string_view uuid, Millis at, bool fraction, bool assistant);

  Millis stamp(Thread& thread, bool& fraction);
  void finish_line(Thread& thread, std::string_view uuid, Millis at, bool fraction, bool usage);
  LineOrigin origin(const Thread& thread) const;
  ResponseStyle response_style(const Thread& thread) const;
  std::uint64_t bytes_written() const;
  std::filesystem::path subagent_path(const ShortId& agent_id) const;

  const GenOptions& options_;
  const Pools& pools_;
  Rng& rng_;
  SessionPlan plan_;
  SessionTraits traits_;
  CacheMode cache_mode_;
  bool streamed_partials_;
  bool vertex_ids_;
  bool long_context_;
  std::unique_ptr<JsonlFile> main_file_;
  std::unique_ptr<ResumeSource> source_;
  std::string message_;  // scratch: the message object of the line being written
  std::string line_;     // scratch: one line built away from its file
  std::uint64_t closed_subagent_bytes_ = 0;
  GenSummary written_;
};

}  // namespace cu::gen

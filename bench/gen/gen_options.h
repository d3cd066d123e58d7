#pragma once
// What cu-gen-logs is asked to produce, and what it reports having written.
#include <cstdint>
#include <filesystem>

#include "timestamp.h"

namespace cu::gen {

struct GenOptions {
  std::filesystem::path out_dir;  // receives projects/<project>/…
  double size_mb = 25;            // target size in MiB; the corpus ends at the first session
                                  // boundary past it
  std::uint64_t seed = 1;
  Millis start = 1756684800000;  // 2025-09-01T00:00:00Z
  int months = 3;
  // Streaming splits, resumed-session copies and subagent progress mirrors: every usage entry
  // then shares its (message.id, requestId) with others. false = --no-requestid-dups.
  bool requestid_dups = true;
  // About 1.5% of responses (and the <synthetic> lines) without requestId.
  bool missing_requestid = false;
  // Progress lines in the parent file repeating each subagent response (Claude Code ≥ 2.1 does).
  // ccusage's session and blocks reports ignore them, its daily report counts them (SPEC §4), so
  // comparisons with those reports use a corpus without them. false = --no-progress-mirrors.
  bool progress_mirrors = true;
  // Subagents whose first response repeats the parent's message.id with another requestId.
  bool sidechain_replays = false;
  // Multiplies the size of every tool result (at least 20 bytes), which are most of the bytes:
  // below 1 the same conversations in fewer bytes, more kept events per MB (a denser corpus).
  // The random draws are the same, so only sizes change. --tool-result-scale.
  double tool_result_scale = 1.0;
};

struct GenSummary {
  std::uint64_t files = 0;
  std::uint64_t lines = 0;
  std::uint64_t usage_lines = 0;  // lines carrying message.usage (assistant and progress)
  std::uint64_t bytes = 0;
  std::uint64_t sessions = 0;
  std::uint64_t subagents = 0;
  std::uint64_t resumed = 0;
};

}  // namespace cu::gen

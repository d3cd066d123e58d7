#pragma once
// The models a generated corpus uses, and what each one exercises in a reader.
#include <span>
#include <string_view>

namespace cu::gen {

struct ModelProfile {
  std::string_view name;
  double session_weight;     // relative share of sessions that start on this model
  bool tiered;               // priced with the 200k tier (sonnet-4, sonnet-4-5): some sessions run
                             // with a context above 200k tokens
  bool fast_capable;         // may log usage.speed "fast" (opus-4-6)
  bool needs_recent_client;  // only written by Claude Code 2.1 (usage.speed present)
};

std::span<const ModelProfile> model_catalog();
// The model most subagents run on.
const ModelProfile& subagent_model();

}  // namespace cu::gen

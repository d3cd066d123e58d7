// cu-gen-logs: writes a deterministic corpus of realistic Claude Code JSONL transcripts for
// differential tests against ccusage and for benchmarks.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "corpus_generator.h"

namespace {

cu::gen::GenOptions parse_options(CLI::App& app, int argc, char** argv) {
  cu::gen::GenOptions options;
  std::string out_dir;
  std::string start = "2025-09-01";
  bool no_dups = false;
  app.add_option("--out", out_dir, "Directory that receives projects/<project>/<session>.jsonl")
      ->required();
  app.add_option("--size-mb", options.size_mb,
                 "Size to write, in MiB (ends at a session boundary past it)")
      ->required();
  app.add_option("--seed", options.seed, "Random seed; equal seeds and sizes give identical bytes");
  app.add_option("--start", start, "First day of activity, YYYY-MM-DD (UTC)");
  app.add_option("--months", options.months, "Months of activity from --start");
  app.add_flag(
      "--no-requestid-dups", no_dups,
      "One line per response, no resumed-session copies and no progress mirrors of subagent "
      "responses: no two usage lines share (message.id, requestId)");
  bool no_progress_mirrors = false;
  app.add_flag("--no-progress-mirrors", no_progress_mirrors,
               "No progress lines repeating subagent responses in the parent file");
  app.add_flag("--with-missing-requestid", options.missing_requestid,
               "About 1.5% of responses, and the <synthetic> lines, without requestId");
  app.add_option("--tool-result-scale", options.tool_result_scale,
                 "Multiply every tool result's size (min 20 bytes): below 1, more kept events per MB")
      ->check(CLI::Range(0.01, 100.0));
  app.add_flag("--with-sidechain-replays", options.sidechain_replays,
               "Some subagents start by repeating the parent's message.id with another requestId");
  app.parse(argc, argv);
  options.out_dir = out_dir;
  options.start = cu::gen::parse_date(start);
  options.requestid_dups = !no_dups;
  options.progress_mirrors = !no_progress_mirrors;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate a deterministic corpus of Claude Code JSONL logs"};
  cu::gen::GenOptions options;
  try {
    options = parse_options(app, argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cu-gen-logs: %s\n", error.what());
    return 2;
  }
  try {
    const auto begin = std::chrono::steady_clock::now();
    const cu::gen::GenSummary summary = cu::gen::generate_corpus(options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    fmt::print(
        "cu-gen-logs: {} files, {} lines ({} with usage), {} bytes; {} sessions ({} resumed, {} "
        "subagents) "
        "in {:.2f} s ({:.0f} MB/s)\n",
        summary.files, summary.lines, summary.usage_lines, summary.bytes, summary.sessions,
        summary.resumed, summary.subagents, seconds,
        static_cast<double>(summary.bytes) / (1024.0 * 1024.0) / std::max(seconds, 1e-9));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cu-gen-logs: %s\n", error.what());
    return 1;
  }
  return 0;
}

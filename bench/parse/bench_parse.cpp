// bench_parse: single-core throughput of LineParser over a large in-memory buffer.
//
//   bench_parse [FILE]   FILE: any JSONL file, read once. Default: every .jsonl file of the
//                        shared corpus, concatenated and repeated until the buffer holds 200 MB.
//
// Prints MB/s (10^6 bytes per second of line bytes, newlines included), lines and entries of the
// best of several passes; the buffer is split on '\n' exactly as the ingester does.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "parse/line_parser.h"

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kDefaultBytes = 200'000'000;
constexpr int kPasses = 5;
constexpr std::size_t kEntriesPerBatch = 4096;  // the consumer takes entries in batches

struct PassResult {
  double seconds = 0;
  std::size_t lines = 0;
  std::size_t entries = 0;
  std::array<std::size_t, cu::kSkipReasonCount> skips{};
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every .jsonl file below `dir`, in path order, each ending with '\n'.
std::string read_corpus(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::string corpus;
  for (const fs::path& file : files) {
    corpus += read_file(file);
    if (!corpus.empty() && corpus.back() != '\n') corpus += '\n';
  }
  return corpus;
}

std::string repeated_to(const std::string& text, std::size_t min_bytes) {
  std::string out;
  if (text.empty()) return out;
  out.reserve(min_bytes + text.size());
  while (out.size() < min_bytes) out += text;
  return out;
}

PassResult run_pass(std::string_view content) {
  cu::LineParser parser;
  std::vector<cu::UsageEntry> entries;
  entries.reserve(kEntriesPerBatch + 64);
  PassResult result;
  const auto start = std::chrono::steady_clock::now();
  for (const char* at = content.data(), *end = at + content.size(); at < end;) {
    const char* newline = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
    const char* line_end = newline ? newline : end;
    const cu::ParseOutcome outcome = parser.parse({at, static_cast<std::size_t>(line_end - at)}, entries);
    if (outcome.skipped) ++result.skips[static_cast<std::size_t>(outcome.reason)];
    ++result.lines;
    if (entries.size() >= kEntriesPerBatch) {
      result.entries += entries.size();
      entries.clear();
    }
    at = line_end + 1;
  }
  result.entries += entries.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void print_result(const PassResult& best, std::size_t bytes) {
  std::printf("input      %.1f MB, %zu lines, %zu entries\n", bytes / 1e6, best.lines, best.entries);
  std::printf("best pass  %.3f s: %.0f MB/s, %.2f M lines/s\n", best.seconds,
              bytes / 1e6 / best.seconds, best.lines / 1e6 / best.seconds);
  for (std::size_t i = 0; i < cu::kSkipReasonCount; ++i) {
    if (best.skips[i] > 0) {
      std::printf("skipped    %zu %s\n", best.skips[i],
                  std::string(cu::to_string(static_cast<cu::SkipReason>(i))).c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string buffer = argc > 1 ? read_file(argv[1]) : repeated_to(read_corpus(CU_CORPUS_DIR), kDefaultBytes);
  if (buffer.empty()) {
    std::fprintf(stderr, "bench_parse: no input (%s)\n", argc > 1 ? argv[1] : CU_CORPUS_DIR);
    return 1;
  }
  const std::size_t bytes = buffer.size();
  buffer.append(cu::LineParser::kPadding, '\0');
  const std::string_view content(buffer.data(), bytes);
  PassResult best = run_pass(content);
  for (int pass = 1; pass < kPasses; ++pass) {
    PassResult result = run_pass(content);
    if (result.seconds < best.seconds) best = result;
  }
  print_result(best, bytes);
  return 0;
}

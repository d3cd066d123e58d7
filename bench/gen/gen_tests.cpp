// Properties of generated corpora that the differential tests and benchmarks rely on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "corpus_generator.h"
#include "text_pool.h"
#include "timestamp.h"

namespace cu::gen {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Line {
  std::string file;  // path below projects/
  json value;
};

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("cu-gen-test-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> sorted_files(const fs::path& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "projects")) {
    if (entry.is_regular_file())
      files.push_back(fs::relative(entry.path(), root / "projects").string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Line> read_corpus(const fs::path& root) {
  std::vector<Line> lines;
  for (const std::string& file : sorted_files(root)) {
    std::istringstream in(read_file(root / "projects" / file));
    for (std::string text; std::getline(in, text);) lines.push_back({file, json::parse(text)});
  }
  return lines;
}

GenOptions small_options(const fs::path& out, double size_mb, std::uint64_t seed) {
  GenOptions options;
  options.out_dir = out;
  options.size_mb = size_mb;
  options.seed = seed;
  return options;
}

// The usage-bearing message of a line (assistant or subagent progress), or nullptr.
const json* usage_message(const json& line, std::string* request_id) {
  const json* holder = &line;
  if (line.value("type", "") == "progress") {
    if (!line["data"].contains("message")) return nullptr;
    holder = &line["data"]["message"];
  }
  if (!holder->contains("message") || !(*holder)["message"].is_object()) return nullptr;
  const json& message = (*holder)["message"];
  if (!message.contains("usage")) return nullptr;
  *request_id = holder->value("requestId", "");
  return &message;
}

bool is_main_file(const std::string& file) { return file.find("/subagents/") == std::string::npos; }

// One shared corpus for the read-only property tests.
class GenSharedCorpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("shared");
    summary_ = generate_corpus(small_options(dir_->path(), 6, 11));
    lines_ = new std::vector<Line>(read_corpus(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete lines_;
    delete dir_;
  }
  static TempDir* dir_;
  static GenSummary summary_;
  static std::vector<Line>* lines_;
};

TempDir* GenSharedCorpus::dir_ = nullptr;
GenSummary GenSharedCorpus::summary_;
std::vector<Line>* GenSharedCorpus::lines_ = nullptr;

TEST(GenTimestamp, FormatsMillisecondsAndDates) {
  std::string out;
  append_timestamp(out, parse_date("2025-09-01") + 23 * kHour + 59 * kMinute + 7 * kSecond + 42);
  EXPECT_EQ(out, "2025-09-01T23:59:07.042Z");
  out.clear();
  append_timestamp(out, parse_date("2024-02-29"), false);
  EXPECT_EQ(out, "2024-02-29T00:00:00Z");
  EXPECT_EQ(add_months(parse_date("2025-01-31"), 1), parse_date("2025-02-28"));
  EXPECT_THROW(parse_date("2025-13-01"), std::invalid_argument);
  EXPECT_THROW(parse_date("yesterday"), std::invalid_argument);
}

TEST(GenTextPool, SlicesAreValidJsonStringBodies) {
  Rng rng(3);
  const TextPool prose = TextPool::prose(rng, 64 * 1024);
  const TextPool output = TextPool::tool_output(rng, 64 * 1024);
  for (int i = 0; i < 2000; ++i) {
    const TextPool& pool = i % 2 == 0 ? prose : output;
    std::string quoted(1, '"');
    quoted.append(pool.slice(rng, rng.below(3000)));
    quoted.push_back('"');
    ASSERT_TRUE(json::accept(quoted)) << quoted;
  }
}

TEST(GenCorpus, SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot) {
  TempDir a("a"), b("b"), c("c");
  const GenSummary first = generate_corpus(small_options(a.path(), 2, 7));
  generate_corpus(small_options(b.path(), 2, 7));
  generate_corpus(small_options(c.path(), 2, 8));
  const auto files = sorted_files(a.path());
  ASSERT_EQ(files, sorted_files(b.path()));
  for (const std::string& file : files) {
    ASSERT_EQ(read_file(a.path() / "projects" / file), read_file(b.path() / "projects" / file))
        << file;
  }
  EXPECT_NE(files, sorted_files(c.path()));
  EXPECT_EQ(first.files, files.size());
}

TEST(GenCorpus, RejectsBadOptionsAndNonEmptyOutput) {
  TempDir dir("bad");
  EXPECT_THROW(generate_corpus(small_options(dir.path(), 0, 1)), std::invalid_argument);
  GenOptions months = small_options(dir.path(), 1, 1);
  months.months = 0;
  EXPECT_THROW(generate_corpus(months), std::invalid_argument);
  generate_corpus(small_options(dir.path(), 0.2, 1));
  EXPECT_THROW(generate_corpus(small_options(dir.path(), 0.2, 1)), std::invalid_argument);
}

TEST_F(GenSharedCorpus, SizeAndSummaryMatchTheFiles) {
  const double bytes = static_cast<double>(summary_.bytes);
  EXPECT_GE(bytes, 6.0 * 1024 * 1024);
  EXPECT_LT(bytes, 6.0 * 1024 * 1024 * 1.5);
  std::uint64_t on_disk = 0;
  for (const std::string& file : sorted_files(dir_->path()))
    on_disk += fs::file_size(dir_->path() / "projects" / file);
  EXPECT_EQ(on_disk, summary_.bytes);
  EXPECT_EQ(lines_->size(), summary_.lines);
  EXPECT_GT(summary_.resumed, 0u);
  EXPECT_GT(summary_.subagents, 0u);
}

TEST_F(GenSharedCorpus, EveryUsageLineHasARequestIdAndConsistentCacheSplit) {
  std::size_t with_split = 0, without_split = 0;
  for (const Line& line : *lines_) {
    std::string request_id;
    const json* message = usage_message(line.value, &request_id);
    if (message == nullptr) continue;
    EXPECT_FALSE(request_id.empty()) << line.value.dump().substr(0, 300);
    const json& usage = (*message)["usage"];
    if (usage.contains("cache_creation")) {
      ++with_split;
      EXPECT_EQ(usage["cache_creation"]["ephemeral_5m_input_tokens"].get<std::int64_t>() +
                    usage["cache_creation"]["ephemeral_1h_input_tokens"].get<std::int64_t>(),
                usage["cache_creation_input_tokens"].get<std::int64_t>());
    } else {
      ++without_split;
    }
  }
  EXPECT_GT(with_split, 5 * without_split);
  EXPECT_GT(without_split, 0u);
}

TEST_F(GenSharedCorpus, StreamedLinesRepeatInputsAndNeverDecreaseOutput) {
  std::string previous_key;
  json previous;
  std::size_t continued = 0;
  for (const Line& line : *lines_) {
    if (line.value.value("type", "") != "assistant" ||
        line.value["message"]["model"] == "<synthetic>") {
      previous_key.clear();
      continue;
    }
    const std::string key = line.file + line.value["message"]["id"].get<std::string>() +
                            line.value["requestId"].get<std::string>();
    const json& usage = line.value["message"]["usage"];
    if (key == previous_key) {
      ++continued;
      for (const char* field :
           {"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"}) {
        EXPECT_EQ(usage[field], previous[field]) << field;
      }
      EXPECT_GE(usage["output_tokens"].get<std::int64_t>(),
                previous["output_tokens"].get<std::int64_t>());
    }
    previous_key = key;
    previous = usage;
  }
  EXPECT_GT(continued, 100u);
}

TEST_F(GenSharedCorpus, ProgressLinesMirrorSubagentLines) {
  std::map<std::string, const json*> subagent_lines;  // by uuid
  for (const Line& line : *lines_) {
    if (is_main_file(line.file)) continue;
    EXPECT_TRUE(line.value["isSidechain"].get<bool>());
    EXPECT_TRUE(line.value.contains("agentId"));
    subagent_lines[line.value["uuid"]] = &line.value;
  }
  std::size_t mirrored = 0;
  for (const Line& line : *lines_) {
    std::string request_id;
    if (!is_main_file(line.file) || line.value.value("type", "") != "progress") continue;
    const json* message = usage_message(line.value, &request_id);
    if (message == nullptr) continue;
    const json& inner = line.value["data"]["message"];
    const auto found = subagent_lines.find(inner["uuid"]);
    ASSERT_NE(found, subagent_lines.end()) << inner["uuid"];
    const json& original = *found->second;
    EXPECT_EQ(original["timestamp"], inner["timestamp"]);
    EXPECT_EQ(original["requestId"], request_id);
    EXPECT_EQ(original["message"]["id"], (*message)["id"]);
    EXPECT_EQ(original["message"]["usage"], (*message)["usage"]);
    EXPECT_EQ(line.value["data"]["agentId"], original["agentId"]);
    // Resumed sessions copy progress lines under their own sessionId.
    if (original["sessionId"] == line.value["sessionId"]) ++mirrored;
  }
  EXPECT_GT(mirrored, 20u);
}

TEST_F(GenSharedCorpus, ResumedSessionsRepeatEarlierResponses) {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> files_by_key;
  for (const Line& line : *lines_) {
    if (!is_main_file(line.file) || line.value.value("type", "") != "assistant") continue;
    files_by_key[{line.value["message"]["id"], line.value.value("requestId", "")}].insert(
        line.file);
  }
  std::size_t shared = 0;
  for (const auto& [key, files] : files_by_key) shared += files.size() > 1 ? 1 : 0;
  EXPECT_GT(shared, 10u);
}

TEST_F(GenSharedCorpus, CoversModelsTiersSpeedsSyntheticLinesAndTimeRange) {
  std::set<std::string> models;
  std::size_t above_200k = 0, fast = 0, synthetic = 0, projects = 0;
  Millis earliest = INT64_MAX, latest = 0;
  std::set<std::string> project_dirs;
  for (const Line& line : *lines_) {
    project_dirs.insert(line.file.substr(0, line.file.find('/')));
    if (line.value.value("type", "") != "assistant") continue;
    const json& message = line.value["message"];
    models.insert(message["model"]);
    synthetic += message["model"] == "<synthetic>" ? 1 : 0;
    const json& usage = message["usage"];
    if (usage["input_tokens"].get<std::int64_t>() > 200000 ||
        usage["cache_read_input_tokens"].get<std::int64_t>() > 200000) {
      ++above_200k;
    }
    if (usage.value("speed", "") == "fast") {
      EXPECT_EQ(message["model"], "claude-opus-4-6");
      ++fast;
    }
    const std::string day = line.value["timestamp"].get<std::string>().substr(0, 10);
    earliest = std::min(earliest, parse_date(day));
    latest = std::max(latest, parse_date(day));
  }
  projects = project_dirs.size();
  EXPECT_GE(models.size(), 8u);
  EXPECT_TRUE(models.count("claude-sonnet-4-20250514") &&
              models.count("claude-sonnet-4-5-20250929") && models.count("claude-opus-4-6"));
  EXPECT_GT(above_200k, 0u);
  EXPECT_GT(fast, 0u);
  EXPECT_GT(synthetic, 0u);
  EXPECT_GE(projects, 4u);
  EXPECT_GE(earliest, parse_date("2025-09-01"));
  EXPECT_GT(latest - earliest, 45 * kDay);
}

TEST(GenCorpus, NoRequestIdDupsGivesUniqueKeys) {
  TempDir dir("unique");
  GenOptions options = small_options(dir.path(), 2, 5);
  options.requestid_dups = false;
  generate_corpus(options);
  std::set<std::pair<std::string, std::string>> keys;
  for (const Line& line : read_corpus(dir.path())) {
    std::string request_id;
    const json* message = usage_message(line.value, &request_id);
    if (message == nullptr) continue;
    EXPECT_TRUE(keys.insert({(*message)["id"], request_id}).second) << (*message)["id"];
  }
  EXPECT_GT(keys.size(), 100u);
}

// Smaller tool results: more usage lines in the same bytes (a denser corpus).
TEST(GenCorpus, AToolResultScaleBelowOneIsDenser) {
  TempDir plain("plain"), dense("dense");
  const GenSummary normal = generate_corpus(small_options(plain.path(), 2, 5));
  GenOptions options = small_options(dense.path(), 2, 5);
  options.tool_result_scale = 0.2;
  const GenSummary denser = generate_corpus(options);
  const auto per_byte = [](const GenSummary& summary) {
    return static_cast<double>(summary.usage_lines) / static_cast<double>(summary.bytes);
  };
  EXPECT_GT(per_byte(denser), 1.3 * per_byte(normal));
}

}  // namespace
}  // namespace cu::gen

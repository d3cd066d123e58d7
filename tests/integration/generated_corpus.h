#pragma once
// A corpus written by cu-gen-logs, shared by the tests of one test process.
#include <filesystem>
#include <optional>

namespace cu::test {

// The Claude config dir of a ~24 MB generated corpus (seed 7, four months), written on first use.
const std::filesystem::path& generated_corpus();

// The same corpus without the progress lines that mirror subagent responses: ccusage's session and
// blocks reports ignore such lines while its daily report and we count them (SPEC §4), so those
// two reports are compared on this variant.
const std::filesystem::path& generated_corpus_without_progress();

// A copy of the shared real logs without subagent progress lines that carry usage, for the same
// reason; nullopt when the shared logs are absent.
std::optional<std::filesystem::path> shared_logs_without_progress();

}  // namespace cu::test

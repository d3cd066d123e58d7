// Inputs found by fuzz/config/config_fuzzer that once broke parse_config; each must stay a
// ConfigError (SPEC §8: bad values are errors that name the key and line, never a crash).
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/fake_environment.h"

namespace cu {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, testing::fake_environment(), "config.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

// yaml-cpp 0.7's LoadAll never returns on these: it adds empty documents until memory runs out
// (found as `!titx#,`, a tag followed by a comma).
TEST(ConfigFuzzRegressions, EndlessDocumentStreamsAreErrors) {
  for (const std::string yaml : {"!titx#,", "!a,", ",", "\n,\n", "- !t ,", "timezone: UTC\n,\n"}) {
    EXPECT_NE(error_of(yaml), "") << yaml;
  }
}

TEST(ConfigFuzzRegressions, MultipleDocumentsStillNameTheSecond) {
  EXPECT_EQ(error_of("timezone: UTC\n---\nidentity: x\n"),
            "config.yaml:3: the config must be a single YAML document");
}

}  // namespace
}  // namespace cu

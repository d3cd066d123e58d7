// Inputs found by fuzz/config/config_fuzzer that once broke parse_config; each must stay a
// ConfigError (SPEC §8: bad values are errors that name the key and line, never a crash).
#include <fmt/format.h>
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

// A key or value that is not UTF-8 could not be rendered back (render_config writes U+FFFD for
// it). Found as `identity: "\_xcbe_arad200k:e`: yaml-cpp 0.7 reads the double-quoted escape `\_`
// (U+00A0) as the single byte 0xA0, and parse_config accepted it.
TEST(ConfigFuzzRegressions, KeysAndValuesThatAreNotUtf8AreErrors) {
  const std::string problem =
      "a key or value that is not UTF-8 text (the YAML escapes \\N and \\_ count as such: "
      "write the character itself)";
  EXPECT_EQ(error_of("identity: \"\\_xcbe_arad200k:e\n"), "config.yaml:1: " + problem);
  EXPECT_EQ(error_of("timezone: UTC\nidentity: \"ana\\Nlaptop\"\n"), "config.yaml:2: " + problem);
  EXPECT_EQ(error_of("identity: caf\xe9\n"), "config.yaml:1: " + problem);
  EXPECT_EQ(error_of("pricing:\n  overrides:\n    \"m\\_\": {input: 1}\n"),
            "config.yaml:3: " + problem);
}

// No value spans lines or holds a control character, and render_config could not write one back.
// Found as `postgres_url: posdsock\r\r\r…\r\n`: yaml-cpp kept all but the last CR in the value and
// wrote them back as they were, so each round trip lost one.
TEST(ConfigFuzzRegressions, KeysAndValuesWithControlCharactersAreErrors) {
  auto problem = [](std::string_view code) {
    return fmt::format("a key or value with a line break or control character (U+{})", code);
  };
  EXPECT_EQ(error_of("identity: x\nstorage:\n  postgres_url: posdsock\r\r\r\r\nlog:\n"),
            "config.yaml:3: " + problem("000D"));
  EXPECT_EQ(error_of("identity: \"ana\\tlaptop\"\n"), "config.yaml:1: " + problem("0009"));
  EXPECT_EQ(error_of("identity: |\n  ana\n"), "config.yaml:1: " + problem("000A"));
  EXPECT_EQ(error_of("identity: \"a\\x7f\"\n"), "config.yaml:1: " + problem("007F"));
  EXPECT_EQ(error_of("identity: \"a\\x9b\"\n"), "config.yaml:1: " + problem("009B"));
  EXPECT_EQ(error_of("projects:\n  groups:\n    \"a\\eb\": [x]\n"),
            "config.yaml:3: " + problem("001B"));
}

TEST(ConfigFuzzRegressions, UnicodeValuesRenderToTheSameConfig) {
  for (const std::string yaml :
       {"identity: \"ana\u00a0laptop \\x41\\u00e9\"\n", "identity: café ☕\n",
        "identity: x\r\nstorage:\r\n  postgres_url: postgresql:///usage\r\n"}) {
    Config config = parse_config(yaml, testing::fake_environment(), "config.yaml");
    std::string text = render_config(config);
    EXPECT_EQ(parse_config(text, testing::fake_environment(), "rendered.yaml"), config)
        << yaml << "\nrendered as:\n" << text;
  }
}

}  // namespace
}  // namespace cu

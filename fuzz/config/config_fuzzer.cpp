// libFuzzer target for parse_config (SPEC §8): arbitrary text is a Config or a ConfigError, never
// another exception (libFuzzer reports it as a crash), a crash or undefined behaviour. A text
// that parses must also keep config.h's round-trip promise: parse_config(render_config(c)) == c
// (parse_config refuses a key or value that is not UTF-8, which yaml-cpp's emitter could not write).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.h"

namespace {

// A fixed environment so that defaults never depend on the machine running the fuzzer.
cu::Environment fake_environment() {
  cu::Environment env;
  env.vars = {{"HOME", "/home/ana"},
              {"USER", "ana"},
              {"XDG_RUNTIME_DIR", "/run/user/1000"},
              {"CLAUDE_CONFIG_DIR", "~/work/claude, /srv/claude/projects"}};
  env.hostname = "laptop";
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cu::Environment env = fake_environment();
  const std::string text(reinterpret_cast<const char*>(data), size);
  cu::Config config;
  try {
    config = cu::parse_config(text, env, "fuzz.yaml");
  } catch (const cu::ConfigError&) {
    return 0;
  }
  if (!(cu::parse_config(cu::render_config(config), env, "rendered.yaml") == config)) std::abort();
  return 0;
}

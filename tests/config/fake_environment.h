#pragma once
// An Environment for tests: a fixed user, home and host, never the real ones.
#include <map>
#include <string>

#include "config/config.h"

namespace cu::testing {

inline Environment fake_environment(std::map<std::string, std::string> extra = {}) {
  Environment env;
  env.vars = {{"HOME", "/home/ana"}, {"USER", "ana"}};
  for (auto& [name, value] : extra) env.vars[name] = value;
  env.hostname = "laptop";
  return env;
}

}  // namespace cu::testing

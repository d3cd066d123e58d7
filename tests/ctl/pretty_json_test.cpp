#include "ctl/pretty_json.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

std::string reference(const Json& value) { return value.dump(2, ' ', false, Json::error_handler_t::replace); }

TEST(PrettyJson, EqualsNlohmannOnEveryKindOfValue) {
  const Json values[] = {
      nullptr, true, false, 0, -1, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
      std::numeric_limits<std::uint64_t>::max(), 0.0, -0.0, 1.0, 100.0, 0.1, 1e-5, 1e21, 123456789.125, -2.5e-300,
      std::nan(""), std::numeric_limits<double>::infinity(), "", "plain text", "quote \" and \\ backslash",
      "line\nbreak\ttab\r\b\f", std::string("nul \0 byte", 10), "\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "bad \xff utf-8 \xc3", "~", Json::array(), Json::object(), Json::array({Json::array(), Json::object()}),
      Json::object({{"", 1}, {"b", Json::array({1, "x", nullptr})}, {"a", Json::object({{"k\n", 2.5}})}}),
      Json::binary({1, 2, 3}), Json::object({{"blob", Json::binary({1, 2}, 7)}, {"list", Json::array({Json::binary({})})}}),
  };
  for (const Json& value : values) {
    EXPECT_EQ(pretty_json(value), reference(value)) << reference(value);
    const Json nested{{"outer", Json::array({value, Json::object({{"inner", value}})})}};
    EXPECT_EQ(pretty_json(nested), reference(nested)) << reference(nested);
  }
}

Json random_value(std::mt19937_64& random, int depth) {
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<std::uint64_t>(n)); };
  const auto text = [&] {
    static constexpr char kBytes[] = "abcXYZ09 _-:.\"\\/\n\t\x01\x7f\xc3\xa9\xe2\x82\xac\xff";
    std::string s;
    for (int n = pick(12); n > 0; --n) s += kBytes[pick(sizeof kBytes - 1)];
    return s;
  };
  switch (depth > 4 ? pick(6) : pick(8)) {
    case 0: return nullptr;
    case 1: return pick(2) == 0;
    case 2: return static_cast<std::int64_t>(random()) >> pick(64);
    case 3: return std::ldexp(static_cast<double>(static_cast<std::int64_t>(random())), pick(200) - 120);
    case 4: return text();
    case 5: return random();
    case 6: {
      Json array = Json::array();
      for (int n = pick(5); n > 0; --n) array.push_back(random_value(random, depth + 1));
      return array;
    }
    default: {
      Json object = Json::object();
      for (int n = pick(5); n > 0; --n) object[text()] = random_value(random, depth + 1);
      return object;
    }
  }
}

TEST(PrettyJson, EqualsNlohmannOnGeneratedTrees) {
  std::mt19937_64 random(20261204);
  for (int i = 0; i < 3000; ++i) {
    const Json value = random_value(random, 0);
    ASSERT_EQ(pretty_json(value), reference(value)) << "tree " << i;
  }
}

TEST(PrettyJson, IndentsTheLinesAfterTheFirst) {
  const Json value{{"a", Json::array({1, 2.5})}};
  std::string out = "x: ";
  append_pretty_json(out, value, 4);
  EXPECT_EQ(out, "x: {\n      \"a\": [\n        1,\n        2.5\n      ]\n    }");
}

}  // namespace
}  // namespace cu::ctl

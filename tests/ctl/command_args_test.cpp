#include "ctl/command_args.h"

#include <gtest/gtest.h>

#include "ctl/command_registry.h"
#include "ctl/protocol.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

const std::vector<std::string_view> kEverything = [] {
  std::vector<std::string_view> names;
  for (const ArgSpec& spec : arg_specs()) names.push_back(spec.name);
  return names;
}();

CommandArgs parse_all(const Json& args) { return parse_command_args(kEverything, args, true); }

std::string rejection(std::span<const std::string_view> accepted, const Json& args, bool printer = false) {
  try {
    parse_command_args(accepted, args, printer);
  } catch (const ProtocolError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgs);
    return error.what();
  }
  return "";
}

TEST(CommandArgs, DefaultsWhenEmpty) {
  const CommandArgs args = parse_all(Json::object());
  EXPECT_FALSE(args.since);
  EXPECT_EQ(args.order, SortOrder::kAsc);
  EXPECT_EQ(args.start_of_week, 0);
  EXPECT_FALSE(args.token_limit);
  EXPECT_EQ(args.visual_burn_rate, BurnRateDisplay::kEmoji);
}

TEST(CommandArgs, ParsesEveryKind) {
  const CommandArgs args = parse_all({{"since", "20260131"},
                                      {"until", "2026-02-02"},
                                      {"order", "desc"},
                                      {"project", "-home-ana-api"},
                                      {"instances", true},
                                      {"last", 3},
                                      {"start_of_week", "monday"},
                                      {"active", true},
                                      {"recent", true},
                                      {"token_limit", 500000},
                                      {"session_length", 5},
                                      {"session_id", "abc"},
                                      {"breakdown", true},
                                      {"chart", true},
                                      {"visual_burn_rate", "emoji-text"}});
  EXPECT_EQ(args.since, "2026-01-31");
  EXPECT_EQ(args.until, "2026-02-02");
  EXPECT_EQ(args.order, SortOrder::kDesc);
  EXPECT_EQ(args.project, "-home-ana-api");
  EXPECT_TRUE(args.instances);
  EXPECT_EQ(args.last, 3);
  EXPECT_EQ(args.start_of_week, 1);
  EXPECT_TRUE(args.active);
  EXPECT_TRUE(args.recent);
  ASSERT_TRUE(args.token_limit);
  EXPECT_FALSE(args.token_limit->use_max);
  EXPECT_EQ(args.token_limit->tokens, 500000);
  EXPECT_EQ(args.session_length, 5);
  EXPECT_EQ(args.session_id, "abc");
  EXPECT_TRUE(args.breakdown);
  EXPECT_TRUE(args.chart);
  EXPECT_EQ(args.visual_burn_rate, BurnRateDisplay::kEmojiText);
}

TEST(CommandArgs, TokenLimitMax) {
  const CommandArgs args = parse_all({{"token_limit", "max"}});
  ASSERT_TRUE(args.token_limit);
  EXPECT_TRUE(args.token_limit->use_max);
}

TEST(CommandArgs, TokenLimitP90) {
  const CommandArgs args = parse_all({{"token_limit", "p90"}});
  ASSERT_TRUE(args.token_limit);
  EXPECT_TRUE(args.token_limit->use_p90);
  EXPECT_FALSE(args.token_limit->use_max);
  EXPECT_FALSE(parse_all({{"token_limit", "max"}}).token_limit->use_p90);
  EXPECT_FALSE(parse_all({{"token_limit", 500}}).token_limit->use_p90);
}

TEST(CommandArgs, RateLimitsAreAnyJsonForTheDaemonToJudge) {
  // A malformed reading must not fail the statusline request: read_rate_limits counts it.
  for (const Json& value : {Json::object(), Json("full"), Json(42), Json::array(), Json(nullptr)}) {
    EXPECT_EQ(parse_all({{"rate_limits", value}}).rate_limits, value) << value.dump();
  }
}

TEST(CommandArgs, StartOfWeekNamesEveryDay) {
  const char* days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(parse_all({{"start_of_week", days[i]}}).start_of_week, i) << days[i];
}

struct BadValue {
  const char* name;
  Json value;
};

TEST(CommandArgs, RejectsBadValuesNamingTheArgument) {
  const BadValue cases[] = {
      {"since", "2026-13-01"}, {"since", "20260230"}, {"since", "yesterday"}, {"since", 20260101},
      {"until", ""},           {"order", "up"},       {"order", true},        {"project", ""},
      {"project", 5},          {"project", std::string(5000, 'p')},           {"instances", "yes"},
      {"instances", 1},        {"last", 0},           {"last", -2},           {"last", 1.5},
      {"last", "3"},           {"last", 10000000},    {"start_of_week", "Monday"},
      {"active", nullptr},     {"token_limit", 0},    {"token_limit", -5},    {"token_limit", "MAX"},   {"token_limit", "P90"},   {"token_limit", "p95"},
      {"token_limit", 12.5},   {"token_limit", Json::array()},                {"session_length", 0},
      {"session_id", Json::object()},                {"visual_burn_rate", "loud"},
      {"rate_limits", std::string(5000, 'r')},       {"history", "yes"},
      {"timezone", "Mars/Olympus_Mons"},             {"timezone", ""},       {"timezone", 3},
      {"mode", "estimate"},  {"project_aliases", "a"},                      {"project_aliases", "a=b,=c"},
      {"project_aliases", "a=b,"},                   {"cost_source", "mine"},
  };
  for (const BadValue& bad : cases) {
    const std::string message = rejection(kEverything, {{bad.name, bad.value}}, true);
    EXPECT_NE(message.find(std::string("\"") + bad.name + "\""), std::string::npos)
        << bad.name << "=" << bad.value.dump() << " -> " << message;
  }
}

TEST(CommandArgs, RejectsUnknownArguments) {
  EXPECT_NE(rejection(kEverything, {{"colour", true}}).find("unknown argument \"colour\""), std::string::npos);
  const std::vector<std::string_view> daily_only{"since"};
  EXPECT_NE(rejection(daily_only, {{"active", true}}).find("unknown argument \"active\""), std::string::npos);
}

TEST(CommandArgs, PrinterArgumentsAreNotPartOfRequests) {
  EXPECT_FALSE(rejection(kEverything, {{"chart", true}}, false).empty());
  EXPECT_TRUE(rejection(kEverything, {{"chart", true}}, true).empty());
}

TEST(CommandArgs, RejectsNonObjects) {
  EXPECT_FALSE(rejection(kEverything, Json::array()).empty());
  EXPECT_FALSE(rejection(kEverything, "since").empty());
}

TEST(CommandArgs, EveryCommandDeclaresKnownArguments) {
  for (const CommandSpec& command : command_registry()) {
    for (const auto name : command.args) EXPECT_NE(find_arg(name), nullptr) << command.name << " " << name;
  }
}

// Each command accepts exactly the arguments it declares: one good value each, and nothing else.
TEST(CommandArgs, EveryCommandValidatesItsOwnArguments) {
  const std::map<std::string_view, Json> good{
      {"since", "20260101"}, {"until", "20260102"}, {"order", "desc"},     {"project", "p"},
      {"instances", true},   {"group", "work"},      {"by_group", true},     {"last", 2},           {"start_of_week", "friday"}, {"active", true},
      {"recent", true},      {"token_limit", "max"}, {"session_length", 5},  {"session_id", "s"},
      {"rate_limits", Json::object()},              {"history", true},
      {"breakdown", "subagent"}, {"by_subagent", true}, {"chart", true},        {"visual_burn_rate", "off"},
      {"timezone", "Asia/Tokyo"},                    {"mode", "display"},    {"id", "s"},
      {"compact", true},     {"csv", true},          {"open", true},          {"project_aliases", "a=Alpha,b=Beta"},
      {"offline", true},     {"no_offline", true},   {"single_thread", true}, {"debug", true},
      {"debug_samples", 3},  {"cache", true},        {"no_cache", true},     {"refresh_interval", 2},
      {"cost_source", "cc"}, {"context_low_threshold", 50},                  {"context_medium_threshold", 80}};
  ASSERT_EQ(good.size(), arg_specs().size());
  for (const CommandSpec& command : command_registry()) {
    for (const ArgSpec& spec : arg_specs()) {
      const bool declared = std::find(command.args.begin(), command.args.end(), spec.name) != command.args.end();
      const bool in_request = declared && spec.scope == ArgScope::kRequest;
      const std::string message = rejection(command.args, {{spec.name, good.at(spec.name)}});
      EXPECT_EQ(message.empty(), in_request) << command.name << " " << spec.name << ": " << message;
    }
  }
}

TEST(CommandArgs, CliFlagsUseDashes) {
  EXPECT_EQ(cli_flag_of(*find_arg("start_of_week")), "--start-of-week");
  EXPECT_EQ(cli_flag_of(*find_arg("since")), "--since");
}

}  // namespace
}  // namespace cu::ctl

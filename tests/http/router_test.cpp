// route(): the paths, the token in its three places, the API's arguments.
#include "http/router.h"

#include <gtest/gtest.h>

#include "ctl/command_registry.h"
#include "ctl/protocol.h"
#include "../ctl/event_report_source.h"

namespace cu::http {
namespace {

using Json = nlohmann::json;
using test::make_event;

constexpr const char* kToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : source_({make_event(1, "p", "s1", "2026-03-02T10:00:00.000Z", "claude-sonnet-4-20250514", 100, 10),
                 make_event(2, "q", "s2", "2026-03-03T10:00:00.000Z", "claude-opus-4-20250514", 200, 20)}) {
    hooks_.now_ms = [] { return std::int64_t{0}; };
    context_.token = kToken;
    context_.ask = [this](std::string_view line) { return ctl::handle_request_line(line, source_, hooks_); };
    context_.metrics = [] { return std::string("metrics\n"); };
    context_.dashboard_html = "<!doctype html>";
  }

  HttpResponse get(std::string_view target, std::string_view authorization = "", std::string_view cookie = "",
                   std::string_view method = "GET") {
    return route(HttpRequest{method, target, authorization, cookie}, context_);
  }
  static std::string bearer() { return std::string("Bearer ") + kToken; }

  test::EventReportSource source_;
  ctl::ControlHooks hooks_;
  RouterContext context_;
};

TEST_F(RouterTest, HealthzNeedsNoToken) {
  EXPECT_EQ(get("/healthz").status, 200u);
  EXPECT_EQ(get("/healthz").body, "ok\n");
}

TEST_F(RouterTest, EveryOtherPathNeedsTheToken) {
  for (const char* path : {"/", "/metrics", "/api/daily", "/nowhere"}) {
    const HttpResponse response = get(path);
    EXPECT_EQ(response.status, 401u) << path;
    EXPECT_EQ(response.headers.at(0), (std::pair<std::string, std::string>{"WWW-Authenticate", "Bearer"}));
    EXPECT_EQ(get(path, "Bearer 0123").status, 401u) << path;
    EXPECT_EQ(get(path, std::string("Basic ") + kToken).status, 401u) << path;
  }
  EXPECT_EQ(get("/metrics", bearer()).status, 200u);
  EXPECT_EQ(get("/metrics", bearer()).body, "metrics\n");
  EXPECT_EQ(get("/metrics", bearer()).content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(get("/nowhere", bearer()).status, 404u);
}

TEST_F(RouterTest, TheBrowserGetsACookieAfterItsFirstVisit) {
  const HttpResponse first = get(std::string("/?since=20260301&token=") + kToken);
  ASSERT_EQ(first.status, 200u);
  EXPECT_EQ(first.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(first.body, "<!doctype html>");
  const auto cookie = std::find_if(first.headers.begin(), first.headers.end(), [](const auto& h) { return h.first == "Set-Cookie"; });
  ASSERT_NE(cookie, first.headers.end());
  EXPECT_EQ(cookie->second, std::string("claude_usaged_token=") + kToken + "; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(get("/api/daily", "", std::string("theme=dark; claude_usaged_token=") + kToken).status, 200u);
  EXPECT_EQ(get("/api/daily", "", "claude_usaged_token=nope").status, 401u);
  const HttpResponse later = get("/", bearer());
  EXPECT_TRUE(std::none_of(later.headers.begin(), later.headers.end(), [](const auto& h) { return h.first == "Set-Cookie"; }));
}

TEST_F(RouterTest, OnlyGetAndHead) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    const HttpResponse response = get("/metrics", bearer(), "", method);
    EXPECT_EQ(response.status, 405u) << method;
    EXPECT_EQ(response.headers.at(0).second, "GET, HEAD");
  }
  EXPECT_EQ(get("/metrics", bearer(), "", "HEAD").status, 200u);
}

// /api/<command> is claude-usagectl <command> --json: the same text, from the same dispatch.
TEST_F(RouterTest, ApiIsTheCommandsJson) {
  const HttpResponse response = get("/api/daily?since=20260303&breakdown=subagent&order=desc", bearer());
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const ctl::Response expected = ctl::parse_response(ctl::handle_request_line(
      ctl::encode_request("daily", {{"since", "20260303"}, {"breakdown", "subagent"}, {"order", "desc"}}, true),
      source_, hooks_));
  EXPECT_EQ(response.body, *expected.text + "\n");
  EXPECT_EQ(Json::parse(response.body).at("daily").size(), 1u);
  EXPECT_EQ(Json::parse(get("/api/daily?instances", bearer()).body).at("projects").size(), 2u);
  EXPECT_EQ(Json::parse(get("/api/session?id=s2", bearer()).body).at("totalTokens"), 220);
  EXPECT_EQ(Json::parse(get("/api/blocks?token_limit=max", bearer()).body).at("blocks").size(), 3u);
}

TEST_F(RouterTest, ApiRefusesWhatTheCommandDoesNotTake) {
  HttpResponse response = get("/api/daily?active=true", bearer());
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(Json::parse(response.body).at("error"), "daily takes no argument \"active\"");
  EXPECT_EQ(get("/api/daily?chart=true", bearer()).status, 400u);  // the CLI's printer flags are not the API's
  response = get("/api/daily?since=yesterday", bearer());
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(Json::parse(response.body).at("error"), "argument \"since\" must be a date written YYYYMMDD or YYYY-MM-DD");
  EXPECT_EQ(get("/api/nope", bearer()).status, 404u);
  EXPECT_EQ(get("/api/", bearer()).status, 404u);
  EXPECT_EQ(get("/api/daily?since=%zz", bearer()).status, 400u);
  EXPECT_EQ(get("/api/rescan", bearer()).status, 503u);  // no such hook here: unavailable
}

// Found by route_fuzzer: a command name that is not UTF-8, quoted in the error, made the JSON
// writer throw out of route() (and would have ended the daemon's loop).
TEST_F(RouterTest, NothingInTheRequestMakesItThrow) {
  const HttpResponse response = get("/api/block\x98s?active", bearer());
  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(Json::parse(response.body).at("error"), "unknown command \"block\xEF\xBF\xBDs\"");
  context_.metrics = []() -> std::string { throw std::runtime_error("database is locked"); };
  EXPECT_EQ(get("/metrics", bearer()).status, 500u);
}

TEST(Query, PercentDecodingAndPairs) {
  EXPECT_EQ(percent_decoded("a%20b+c%2Fd"), "a b c/d");
  EXPECT_EQ(percent_decoded("%"), std::nullopt);
  EXPECT_EQ(percent_decoded("%4"), std::nullopt);
  EXPECT_EQ(percent_decoded("%g0"), std::nullopt);
  const auto pairs = query_pairs("project=-home-ana&instances&&z=Asia%2FTokyo");
  ASSERT_TRUE(pairs);
  EXPECT_EQ(*pairs, (std::vector<std::pair<std::string, std::string>>{
                        {"project", "-home-ana"}, {"instances", ""}, {"z", "Asia/Tokyo"}}));
}

}  // namespace
}  // namespace cu::http

#include "ctl/protocol.h"

#include <gtest/gtest.h>

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

ErrorCode request_error(std::string_view line) {
  try {
    parse_request(line);
  } catch (const ProtocolError& error) {
    return error.code();
  }
  ADD_FAILURE() << "accepted: " << line;
  return ErrorCode::kInternal;
}

TEST(Protocol, ParsesARequest) {
  const Request request = parse_request(R"({"v":1,"cmd":"daily","args":{"since":"20260101"}})");
  EXPECT_EQ(request.cmd, "daily");
  EXPECT_EQ(request.args, Json({{"since", "20260101"}}));
}

TEST(Protocol, ArgsDefaultToAnEmptyObject) {
  EXPECT_EQ(parse_request(R"({"cmd":"status","v":1})").args, Json::object());
}

TEST(Protocol, EncodedRequestsParseBack) {
  const Request request = parse_request(encode_request("blocks", {{"active", true}}));
  EXPECT_EQ(request.cmd, "blocks");
  EXPECT_EQ(request.args, Json({{"active", true}}));
}

TEST(Protocol, RejectsMalformedRequests) {
  EXPECT_EQ(request_error("not json"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error(R"({"v":1,"cmd":"daily")"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error("[1,2]"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error(R"({"v":1})"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error(R"({"v":1,"cmd":7})"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error(R"({"v":1,"cmd":"daily","args":[]})"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error(R"({"v":1,"cmd":"daily","extra":1})"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error("{\"v\":1,\"cmd\":\"da\xff\"}"), ErrorCode::kBadRequest);
  EXPECT_EQ(request_error(""), ErrorCode::kBadRequest);
}

TEST(Protocol, RejectsOtherVersions) {
  EXPECT_EQ(request_error(R"({"cmd":"daily"})"), ErrorCode::kVersionMismatch);
  EXPECT_EQ(request_error(R"({"v":2,"cmd":"daily"})"), ErrorCode::kVersionMismatch);
  EXPECT_EQ(request_error(R"({"v":"1","cmd":"daily"})"), ErrorCode::kVersionMismatch);
  try {
    parse_request(R"({"v":2,"cmd":"daily"})");
  } catch (const ProtocolError& error) {
    EXPECT_NE(std::string(error.what()).find("version 2"), std::string::npos) << error.what();
  }
}

TEST(Protocol, RejectsLinesOverTheLimit) {
  const std::string padding(kMaxRequestBytes, ' ');
  EXPECT_EQ(request_error(R"({"v":1,"cmd":"status"})" + padding), ErrorCode::kRequestTooLarge);
  const std::string at_limit = R"({"v":1,"cmd":"status"})" + padding.substr(22);
  ASSERT_EQ(at_limit.size(), kMaxRequestBytes);
  EXPECT_EQ(parse_request(at_limit).cmd, "status");
}

TEST(Protocol, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = R"({"v":1,"cmd":"daily","args":{"since":)" + std::string(30000, '[') + std::string(30000, ']') + "}}";
  EXPECT_EQ(parse_request(deep).cmd, "daily");  // parsed; the argument check rejects it later
}

TEST(Protocol, ResponsesRoundTrip) {
  const Response ok = parse_response(encode_ok({{"rows", 3}}));
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.data, Json({{"rows", 3}}));
  const Response error = parse_response(encode_error(ErrorCode::kInvalidArgs, "argument \"x\" bad"));
  EXPECT_FALSE(error.ok);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgs);
  EXPECT_EQ(error.error, "argument \"x\" bad");
}

TEST(Protocol, ResponsesCarryTheVersion) {
  EXPECT_EQ(Json::parse(encode_ok(nullptr)).at("v"), kProtocolVersion);
  EXPECT_EQ(Json::parse(encode_error(ErrorCode::kFailed, "x")).at("v"), kProtocolVersion);
  try {
    parse_response(R"({"v":9,"ok":true,"data":null})");
    ADD_FAILURE() << "accepted another version";
  } catch (const ProtocolError& error) {
    EXPECT_EQ(error.code(), ErrorCode::kVersionMismatch);
  }
}

TEST(Protocol, ErrorCodeNamesRoundTrip) {
  for (const ErrorCode code : {ErrorCode::kBadRequest, ErrorCode::kRequestTooLarge, ErrorCode::kVersionMismatch,
                               ErrorCode::kUnknownCommand, ErrorCode::kInvalidArgs, ErrorCode::kPermissionDenied,
                               ErrorCode::kIdleTimeout, ErrorCode::kTooManyConnections, ErrorCode::kUnavailable,
                               ErrorCode::kFailed, ErrorCode::kInternal}) {
    EXPECT_EQ(error_code_from_name(error_code_name(code)), code) << error_code_name(code);
  }
  EXPECT_EQ(error_code_from_name("nonsense"), ErrorCode::kInternal);
}

TEST(Protocol, EncodingNeverThrowsOnBadUtf8) {
  const Json parsed = Json::parse(encode_error(ErrorCode::kFailed, "file \xff\xfe"));
  EXPECT_EQ(parsed.at("ok"), false);
}

}  // namespace
}  // namespace cu::ctl

namespace cu::ctl {
namespace {

TEST(RenderedAnswers, ARenderRequestGetsTheDataAsJsonPrintsIt) {
  const Request request = parse_request(R"({"v":1,"cmd":"daily","args":{},"render":"json"})");
  EXPECT_TRUE(request.render_json);
  EXPECT_FALSE(parse_request(R"({"v":1,"cmd":"daily"})").render_json);
  EXPECT_EQ(parse_request(encode_request("daily", nlohmann::json::object(), true)).render_json, true);

  const nlohmann::json data = {{"daily", {{{"date", "2026-02-01"}, {"totalCost", 1.5}, {"note", "line\nbreak \"q\""}}}}};
  const std::string line = encode_ok_rendered(data);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one line on the wire";
  const Response response = parse_response(line);
  ASSERT_TRUE(response.ok);
  ASSERT_TRUE(response.text.has_value());
  EXPECT_EQ(*response.text, render_json(data));
  EXPECT_EQ(nlohmann::json::parse(*response.text), data);
}

// The rendered text is escaped by our own loop: the bytes nlohmann's escaping gives, for every kind
// of character a rendering holds.
TEST(RenderedAnswers, TheTextIsEscapedAsNlohmannWould) {
  std::string controls = "tab\tcr\rnl\nbs\bff\f";
  controls += {'\x01', '\x1f', '\x7f'};
  const nlohmann::json data = {{"quotes", "say \"hi\" \\ back\\slash/"},
                               {"controls", controls},
                               {"unicode", "caf\u00e9 \u65e5\u672c \U0001F600"},
                               {"numbers", {1, 2.5, -3}},
                               {"nested", {{"empty", nlohmann::json::object()}, {"list", nlohmann::json::array()}}}};
  const std::string expected =
      R"({"ok":true,"text":)" + nlohmann::json(render_json(data)).dump(-1, ' ', false) + R"(,"v":)" +
      std::to_string(kProtocolVersion) + "}";
  EXPECT_EQ(encode_ok_rendered(data), expected);
  EXPECT_EQ(*parse_response(encode_ok_rendered(data)).text, render_json(data));
}

TEST(RenderedAnswers, ARawAnswerIsAHeaderLineThenTheTextAsItIs) {
  const Request request = parse_request(encode_request("session", nlohmann::json::object(), true, true));
  EXPECT_TRUE(request.render_json);
  EXPECT_TRUE(request.raw);
  EXPECT_FALSE(parse_request(encode_request("session", nlohmann::json::object(), true)).raw);

  const nlohmann::json data = {{"sessions", {{{"note", "line\nbreak \"q\" \\"}, {"cost", 2.25}}}}};
  const std::string answer = encode_ok_raw(data);
  const std::size_t newline = answer.find('\n');
  ASSERT_NE(newline, std::string::npos);
  const Response header = parse_response(answer.substr(0, newline));
  ASSERT_TRUE(header.ok);
  EXPECT_FALSE(header.text.has_value());
  ASSERT_TRUE(header.text_bytes.has_value());
  EXPECT_EQ(answer.substr(newline + 1), render_json(data)) << "the text, unescaped";
  EXPECT_EQ(*header.text_bytes, render_json(data).size());
  EXPECT_THROW(parse_response(R"({"v":1,"ok":true,"bytes":-1})"), ProtocolError);
}

TEST(RenderedAnswers, OnlyJsonRenderingExists) {
  for (const char* line : {R"({"v":1,"cmd":"daily","render":"text"})", R"({"v":1,"cmd":"daily","render":true})"}) {
    try {
      parse_request(line);
      ADD_FAILURE() << line;
    } catch (const ProtocolError& error) {
      EXPECT_EQ(error.code(), ErrorCode::kBadRequest) << line;
    }
  }
}

}  // namespace
}  // namespace cu::ctl

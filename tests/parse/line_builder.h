#pragma once
// Builds transcript lines member by member, so tests can change one member or write them in any
// member order.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace cu::test {

using Members = std::vector<std::string>;  // each `"key":value`

inline std::string object_of(const Members& members) {
  std::string text = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) text += ',';
    text += members[i];
  }
  return text + "}";
}

// `members` with the member named `key` replaced by `member`; added at the end when there is none;
// removed when `member` is empty.
inline Members with_member(Members members, std::string_view key, const std::string& member) {
  const std::string prefix = std::string("\"").append(key).append("\":");
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const std::string& m) { return m.starts_with(prefix); });
  if (it == members.end()) {
    if (!member.empty()) members.push_back(member);
  } else if (member.empty()) {
    members.erase(it);
  } else {
    *it = member;
  }
  return members;
}

inline Members reversed(Members members) {
  std::reverse(members.begin(), members.end());
  return members;
}

inline Members rotated(Members members, std::size_t by) {
  std::rotate(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(by % members.size()),
              members.end());
  return members;
}

// A typical assistant line (Claude Code 2.x) as three member lists; `message` and `usage` are
// inserted as the last member of their parent unless the parent already names them.
struct AssistantLine {
  Members usage = {
      R"("input_tokens":3)",
      R"("cache_creation_input_tokens":1010)",
      R"("cache_read_input_tokens":13926)",
      R"("output_tokens":157)",
      R"("server_tool_use":{"web_search_requests":0,"web_fetch_requests":0})",
      R"("service_tier":"standard")",
      R"("cache_creation":{"ephemeral_1h_input_tokens":10,"ephemeral_5m_input_tokens":1000})",
      R"("inference_geo":"not_available")",
      R"("speed":"standard")"};
  Members message = {
      R"("model":"claude-opus-4-20250514")",
      R"("id":"msg_01KmLbPCkLthLH3h8zZ7zkmE")",
      R"("type":"message")",
      R"("role":"assistant")",
      R"("content":[{"type":"text","text":"a \"usage\": {\"input_tokens\": 1} in text"}])",
      R"("stop_reason":null)",
      R"("usage":@USAGE@)"};
  Members top = {
      R"("parentUuid":"ab941b16-2bf1-4616-9c87-faceb83ab5a7")",
      R"("isSidechain":true)",
      R"("userType":"external")",
      R"("cwd":"/Users/brad/Desktop")",
      R"("sessionId":"f48d4407-3211-4227-9787-2fba4bc7c9bb")",
      R"("version":"1.0.61")",
      R"("message":@MESSAGE@)",
      R"("requestId":"req_011CRYQgg9dVQPZPS5ZRdC79")",
      R"("type":"assistant")",
      R"("uuid":"96bde8e4-16aa-4b94-922b-71028cfc2855")",
      R"("timestamp":"2025-07-27T23:42:01.481Z")"};

  std::string str() const {
    std::string message_text = substituted(object_of(message), "@USAGE@", object_of(usage));
    return substituted(object_of(top), "@MESSAGE@", message_text);
  }

 private:
  static std::string substituted(std::string text, std::string_view hole, const std::string& value) {
    const std::size_t at = text.find(hole);
    if (at != std::string::npos) text.replace(at, hole.size(), value);
    return text;
  }
};

}  // namespace cu::test

// docs/PROTOCOL.md embeds the command reference rendered from the registry; this keeps them equal.
// CU_WRITE_PROTOCOL_DOC=1 rewrites the embedded part instead of failing.
#include <cstdlib>

#include <gtest/gtest.h>

#include "ctl/command_registry.h"
#include "support/test_support.h"

namespace cu::ctl {
namespace {

constexpr std::string_view kBegin = "<!-- commands:begin (generated from lib/ctl/command_registry.cpp) -->\n";
constexpr std::string_view kEnd = "<!-- commands:end -->";

TEST(ProtocolDoc, CommandReferenceMatchesTheRegistry) {
  const auto path = std::filesystem::path(CU_SOURCE_DIR) / "docs" / "PROTOCOL.md";
  std::string doc = test::read_file(path);
  const std::size_t begin = doc.find(kBegin);
  std::size_t end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << "docs/PROTOCOL.md lacks the commands:begin marker";
  ASSERT_NE(end, std::string::npos);
  const std::size_t from = begin + kBegin.size();
  const std::string rendered = render_command_reference();
  if (const char* write = std::getenv("CU_WRITE_PROTOCOL_DOC"); write != nullptr && std::string(write) == "1") {
    doc.replace(from, end - from, rendered);
    test::write_file(path, doc);
    end = from + rendered.size();
  }
  EXPECT_EQ(doc.substr(from, end - from), rendered);
}

}  // namespace
}  // namespace cu::ctl

#include "docs/roff.h"

#include <gtest/gtest.h>

namespace cu::docs {
namespace {

TEST(RoffText, EscapesBackslashesAndHyphens) {
  EXPECT_EQ(roff_text(R"(a\b --since 5-hour)"), R"(a\eb \-\-since 5\-hour)");
}

TEST(RoffText, LetsLinesBreakAfterTheSlashesOfPaths) {
  EXPECT_EQ(roff_text("/etc/x"), "/\\:etc/\\:x");
  EXPECT_EQ(roff_bold("a/b"), "\\fBa/\\:b\\fR");
  EXPECT_EQ(roff_literal_line("a/b"), "a/b");
}

TEST(RoffText, KeepsALeadingDotOrQuoteFromBeingARequest) {
  EXPECT_EQ(roff_text(".config is hidden"), "\\&.config is hidden");
  EXPECT_EQ(roff_text("'quoted'"), "\\&'quoted'");
  EXPECT_EQ(roff_text("a.b 'c'"), "a.b 'c'");
}

TEST(RoffText, WritesNonAsciiAsCodePoints) {
  EXPECT_EQ(roff_text("SPEC §11 → ok …"), "SPEC \\[u00A7]11 \\[u2192] ok \\[u2026]");
  EXPECT_EQ(roff_text("\xF0\x9F\x94\xA5"), "\\[u1F525]");
}

TEST(RoffText, SetsCodeSpansInBoldAndClosesAnUnfinishedOne) {
  EXPECT_EQ(roff_text("run `claude-usagectl status` now"), "run \\fBclaude\\-usagectl status\\fR now");
  EXPECT_EQ(roff_text("`open"), "\\fBopen\\fR");
}

TEST(RoffLiteralLine, KeepsBackticksAndSpaces) {
  EXPECT_EQ(roff_literal_line("#  `x`  y"), "#  `x`  y");
  EXPECT_EQ(roff_literal_line(".hidden"), "\\&.hidden");
}

TEST(RoffOptionTag, ShowsFlagsInBoldAndTheValueInItalics) {
  OptionDoc option;
  option.short_flag = "-s";
  option.long_flag = "--since";
  option.value_name = "DATE";
  EXPECT_EQ(roff_option_tag(option), "\\fB\\-s\\fR, \\fB\\-\\-since\\fR \\fIDATE\\fR");
  option.short_flag.clear();
  option.value_name.clear();
  EXPECT_EQ(roff_option_tag(option), "\\fB\\-\\-since\\fR");
}

}  // namespace
}  // namespace cu::docs

#include "parse/line_prefilter.h"

#include <string>

#include <gtest/gtest.h>

namespace cu {
namespace {

constexpr std::string_view kMarker = "\"usage\"";

// Filler full of near misses for the vectorised search: 'u' and 'g' three bytes apart.
std::string filler(std::size_t size) {
  const std::string pattern = "\"u_ag_\"xusagE\\\"usage\\\" ";
  std::string text;
  while (text.size() < size) text += pattern;
  text.resize(size);
  return text;
}

TEST(LinePrefilter, FindsTheMarkerAtEveryPositionAndLength) {
  for (std::size_t size = kMarker.size(); size <= 80; ++size) {
    for (std::size_t at = 0; at + kMarker.size() <= size; ++at) {
      std::string text = filler(size);
      text.replace(at, kMarker.size(), kMarker);
      EXPECT_TRUE(contains_usage_marker(text)) << size << " " << at << " " << text;
    }
  }
}

TEST(LinePrefilter, NearMissesAreNotTheMarker) {
  for (std::size_t size = 0; size <= 200; ++size) {
    const std::string text = filler(size);
    EXPECT_FALSE(contains_usage_marker(text)) << text;
  }
  EXPECT_FALSE(contains_usage_marker("\"usage"));
  EXPECT_FALSE(contains_usage_marker("usage\""));
  EXPECT_FALSE(contains_usage_marker("\\\"usage\\\""));
}

TEST(LinePrefilter, DoesNotReadPastTheView) {
  const std::string text = std::string(40, 'x') + std::string(kMarker);
  for (std::size_t cut = 1; cut <= kMarker.size(); ++cut) {
    EXPECT_FALSE(contains_usage_marker(std::string_view(text).substr(0, text.size() - cut)));
  }
  EXPECT_TRUE(contains_usage_marker(text));
}

TEST(LinePrefilter, TrimAndObjectShape) {
  EXPECT_EQ(trim_json_whitespace(" \t{}\r\n "), "{}");
  EXPECT_EQ(trim_json_whitespace(" \t\r\n"), "");
  EXPECT_TRUE(looks_like_object("{}"));
  EXPECT_FALSE(looks_like_object("{"));
  EXPECT_FALSE(looks_like_object("[{}]"));
  EXPECT_FALSE(looks_like_object(""));
}

}  // namespace
}  // namespace cu

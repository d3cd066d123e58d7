#include "pricing/model_name_match.h"

#include <gtest/gtest.h>

namespace cu {
namespace {

TEST(OccursOnNameBoundary, WholeStringAndSeparatedEnds) {
  EXPECT_TRUE(occurs_on_name_boundary("claude-opus-4", 0, 13));
  EXPECT_TRUE(occurs_on_name_boundary("us.anthropic.claude-opus-4", 13, 13));
  EXPECT_TRUE(occurs_on_name_boundary("claude-3-5-sonnet-v2@20241022", 0, 17));
  EXPECT_TRUE(occurs_on_name_boundary("claude-opus-4-6-fast", 0, 15));
}

TEST(OccursOnNameBoundary, AlphanumericNeighboursAreInsideAWord) {
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-45", 0, 13));
  EXPECT_FALSE(occurs_on_name_boundary("xclaude-opus-4", 1, 13));
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4x", 0, 13));
}

TEST(OccursOnNameBoundary, EightDigitDateIsAbsorbed) {
  EXPECT_TRUE(occurs_on_name_boundary("claude-opus-4-20250514", 0, 13));
  EXPECT_TRUE(occurs_on_name_boundary("claude-opus-4-1@20250805", 0, 15));
  EXPECT_TRUE(occurs_on_name_boundary("claude-sonnet-4-20250514-v1:0", 0, 15));
}

TEST(OccursOnNameBoundary, VersionSuffixIsNotAbsorbed) {
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4-1", 0, 13));
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4-9", 0, 13));
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4-10", 0, 13));
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4-1-20250805", 0, 13));
  EXPECT_FALSE(occurs_on_name_boundary("glm-4.7", 0, 5));
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4-2025051", 0, 13));    // 7 digits
  EXPECT_FALSE(occurs_on_name_boundary("claude-opus-4-202505140", 0, 13));  // 9 digits
}

TEST(OccursOnNameBoundary, OutOfRangeIsFalse) {
  EXPECT_FALSE(occurs_on_name_boundary("abc", 2, 5));
  EXPECT_FALSE(occurs_on_name_boundary("abc", 4, 0));
}

TEST(NamesOverlap, EitherDirection) {
  EXPECT_TRUE(names_overlap("claude-opus-4-1-20250805", "claude-opus-4-1"));
  EXPECT_TRUE(names_overlap("claude-opus-4-1", "claude-opus-4-1-20250805"));
  EXPECT_TRUE(names_overlap("opus-4", "claude-opus-4"));
  EXPECT_FALSE(names_overlap("opus-4", "claude-opus-4-1"));
  EXPECT_TRUE(names_overlap("claude-opus-4", "claude-opus-4"));
}

TEST(NamesOverlap, ChecksEveryOccurrence) {
  // The first occurrence is followed by a version; the second is on a boundary.
  EXPECT_TRUE(names_overlap("a-1.a", "a"));
  EXPECT_FALSE(names_overlap("a-1.ab", "a"));
}

TEST(NamesOverlap, NeedsALetterOrDigit) {
  EXPECT_FALSE(names_overlap("", "claude-opus-4"));
  EXPECT_FALSE(names_overlap("-", "a--b"));
  EXPECT_FALSE(names_overlap("", ""));
}

TEST(DashNormalized, MapsDotsAndAts) {
  EXPECT_EQ(dash_normalized("us.anthropic.claude-opus-4-1@20250805-v1:0"),
            "us-anthropic-claude-opus-4-1-20250805-v1:0");
  EXPECT_EQ(dash_normalized("glm-4.7"), "glm-4-7");
  EXPECT_EQ(dash_normalized(""), "");
}

}  // namespace
}  // namespace cu

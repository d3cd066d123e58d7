// Only complete lines are consumed; offsets always point at the first unconsumed byte.
#include <gtest/gtest.h>

#include "ingest/line_reader.h"
#include "support/test_support.h"

namespace cu {
namespace {

struct Collected {
  std::vector<std::pair<std::string, std::int64_t>> lines;
  std::vector<std::pair<std::int64_t, std::int64_t>> oversized;
};

class LineReaderTest : public ::testing::Test {
 protected:
  LineReadResult read(const std::string& text, std::int64_t offset, LineReader& reader,
                      std::int64_t budget = -1) {
    test::write_file(dir_.path() / "f.jsonl", text);
    int error = 0;
    const auto file = real_file_system().open(dir_.path() / "f.jsonl", error);
    const auto result = reader.read(
        *file, offset, [&](std::string_view line, std::int64_t at) { got_.lines.emplace_back(line, at); },
        [&](std::int64_t at, std::int64_t length) { got_.oversized.emplace_back(at, length); }, budget);
    return result;
  }
  test::TempDir dir_;
  Collected got_;
};

TEST_F(LineReaderTest, UnterminatedLastLineIsNotConsumed) {
  LineReader reader;
  const auto result = read("{\"a\":1}\n{\"b\":2}\n{\"c\"", 0, reader);
  ASSERT_EQ(got_.lines.size(), 2u);
  EXPECT_EQ(got_.lines[1], (std::pair<std::string, std::int64_t>{"{\"b\":2}", 8}));
  EXPECT_EQ(result.next_offset, 16);
}

TEST_F(LineReaderTest, ResumesAtOffset) {
  LineReader reader;
  const auto result = read("{\"a\":1}\n{\"b\":2}\n", 8, reader);
  ASSERT_EQ(got_.lines.size(), 1u);
  EXPECT_EQ(got_.lines[0].first, "{\"b\":2}");
  EXPECT_EQ(result.next_offset, 16);
}

TEST_F(LineReaderTest, LinesLongerThanTheChunkAreWhole) {
  LineReader reader(16, 1 << 20);
  const std::string long_line(1000, 'x');
  const auto result = read(long_line + "\nshort\n", 0, reader);
  ASSERT_EQ(got_.lines.size(), 2u);
  EXPECT_EQ(got_.lines[0].first, long_line);
  EXPECT_EQ(got_.lines[1], (std::pair<std::string, std::int64_t>{"short", 1001}));
  EXPECT_EQ(result.next_offset, 1007);
}

TEST_F(LineReaderTest, OversizedLinesAreSkippedWithoutHoldingThem) {
  LineReader reader(64, 256);
  const std::string huge(5000, 'y');
  const auto result = read("first\n" + huge + "\nlast\n", 0, reader);
  ASSERT_EQ(got_.lines.size(), 2u);
  EXPECT_EQ(got_.lines[1], (std::pair<std::string, std::int64_t>{"last", 5007}));
  ASSERT_EQ(got_.oversized.size(), 1u);
  EXPECT_EQ(got_.oversized[0], (std::pair<std::int64_t, std::int64_t>{6, 5000}));
  EXPECT_EQ(result.next_offset, 5012);
  EXPECT_LE(reader.capacity(), 64u + 256u + 64u + LineReader::kPadding);
}

TEST_F(LineReaderTest, BudgetStopsAtALineBoundary) {
  LineReader reader(16, 1 << 20);
  const auto result = read("aaaa\nbbbb\ncccc\n", 0, reader, 6);
  EXPECT_EQ(result.next_offset, 10);
  EXPECT_EQ(got_.lines.size(), 2u);
}

TEST_F(LineReaderTest, PaddingAfterEveryLineIsReadable) {
  LineReader reader(32, 1 << 20);
  std::string text;
  for (int i = 0; i < 50; ++i) text += std::string(static_cast<std::size_t>(i), 'z') + "\n";
  test::write_file(dir_.path() / "f.jsonl", text);
  int error = 0;
  const auto file = real_file_system().open(dir_.path() / "f.jsonl", error);
  std::size_t checked = 0;
  reader.read(
      *file, 0,
      [&](std::string_view line, std::int64_t) {
        volatile char last = line.data()[line.size() + LineReader::kPadding - 1];
        (void)last;
        ++checked;
      },
      [](std::int64_t, std::int64_t) {});
  EXPECT_EQ(checked, 50u);
}

}  // namespace
}  // namespace cu

// The bearer token's file: made 0600 once, kept, repaired, refused when it holds no token.
#include "http/token.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace cu::http {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777;
}

TEST(Token, MadeOnceAndKept) {
  test::TempDir temp;
  const fs::path path = temp.path() / "state" / "http.token";
  const std::string token = load_or_create_token(path);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(path.parent_path()), 0700u);
  EXPECT_EQ(load_or_create_token(path), token);
  EXPECT_NE(load_or_create_token(temp.path() / "other.token"), token);
}

TEST(Token, AFileOthersCanReadIsMadePrivate) {
  test::TempDir temp;
  const fs::path path = temp.path() / "http.token";
  const std::string token = load_or_create_token(path);
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(load_or_create_token(path), token);
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(Token, AFileWithoutATokenIsAnError) {
  test::TempDir temp;
  const fs::path path = temp.path() / "http.token";
  test::write_file(path, "secret\n");
  try {
    load_or_create_token(path);
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("holds no token"), std::string::npos) << error.what();
  }
}

TEST(Token, ComparedWhole) {
  EXPECT_TRUE(tokens_equal("abc", "abc"));
  EXPECT_FALSE(tokens_equal("abc", "abd"));
  EXPECT_FALSE(tokens_equal("abc", "ab"));
  EXPECT_FALSE(tokens_equal("", "a"));
}

}  // namespace
}  // namespace cu::http

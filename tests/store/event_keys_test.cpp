// The integer keys stored with every SQLite event (schema/sqlite/014) must never change: a
// database keeps them, and a lookup computes them anew.
#include <gtest/gtest.h>

#include <string>

#include "store/event_keys.h"

namespace cu {
namespace {

TEST(EventKeysTest, KeysAreXxh3OfTheBytesAndNeverChange) {
  // XXH3-64 of no bytes is 0x2D06800538D394C2, xxHash's own test vector.
  EXPECT_EQ(message_key(""), 0x2D06800538D394C2LL);
  EXPECT_EQ(message_key("msg_01ABCdef"), -1306710448093798124LL);
  EXPECT_EQ(session_key("-home-ana-api", "8f3c2a1e-0b6d-4c55-9a1f-2d7e4b9c0a11"), -8567843958313270604LL);
  // A session's key hashes its project, a NUL and its id.
  EXPECT_EQ(session_key("", ""), message_key(std::string(1, '\0')));
  EXPECT_EQ(session_key("a", "b"), message_key(std::string("a\0b", 3)));
  EXPECT_NE(session_key("ab", ""), session_key("a", "b"));
}

TEST(EventKeysTest, LongProjectsAndSessionsHashTheSameBytes) {
  // Keys of up to 256 bytes are hashed from a copy on the stack, longer ones streamed.
  for (const std::size_t length : {200u, 218u, 219u, 220u, 300u, 5000u}) {
    const std::string project(length, 'p');
    const std::string session = "8f3c2a1e-0b6d-4c55-9a1f-2d7e4b9c0a11";
    EXPECT_EQ(session_key(project, session), message_key(project + std::string(1, '\0') + session)) << length;
    EXPECT_EQ(session_key(session, project), message_key(session + std::string(1, '\0') + project)) << length;
  }
}

}  // namespace
}  // namespace cu

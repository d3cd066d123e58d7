#include "ctl/peer_access.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cu::ctl {
namespace {

TEST(PeerAccess, OwnerAndRootOnlyWithoutAGroup) {
  const AccessPolicy policy{1000, std::nullopt};
  EXPECT_TRUE(peer_is_allowed({1, 1000, 1000}, policy, {}));
  EXPECT_TRUE(peer_is_allowed({1, 0, 0}, policy, {}));
  EXPECT_FALSE(peer_is_allowed({1, 1001, 1000}, policy, {}));
  const std::vector<gid_t> groups{1000, 50};
  EXPECT_FALSE(peer_is_allowed({1, 1001, 50}, policy, groups));
}

TEST(PeerAccess, GroupMembersInGroupMode) {
  const AccessPolicy policy{1000, gid_t{50}};
  EXPECT_TRUE(peer_is_allowed({1, 1001, 50}, policy, {}));
  const std::vector<gid_t> supplementary{7, 50};
  EXPECT_TRUE(peer_is_allowed({1, 1001, 1001}, policy, supplementary));
  const std::vector<gid_t> others{7, 8};
  EXPECT_FALSE(peer_is_allowed({1, 1001, 1001}, policy, others));
}

TEST(PeerAccess, LooksUpGroups) {
  EXPECT_EQ(group_id("root"), 0u);
  EXPECT_THROW(group_id("no-such-group-cu-test"), std::runtime_error);
  EXPECT_EQ(group_id("4242"), 4242u);  // a numeric gid needs no entry in the group database
  EXPECT_THROW(group_id("4294967295"), std::runtime_error);
  const auto groups = groups_of_user(::getuid(), ::getgid());
  EXPECT_NE(std::find(groups.begin(), groups.end(), ::getgid()), groups.end());
  EXPECT_EQ(groups_of_user(4'000'000'000u, 77), std::vector<gid_t>{77});
}

TEST(PeerAccess, ReadsThePeersOwnGroups) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const auto groups = peer_groups(fds[0]);
  std::vector<gid_t> ours(static_cast<std::size_t>(::getgroups(0, nullptr)));
  ours.resize(static_cast<std::size_t>(::getgroups(static_cast<int>(ours.size()), ours.data())));
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(groups.has_value());
  EXPECT_EQ(*groups, ours);
}

}  // namespace
}  // namespace cu::ctl

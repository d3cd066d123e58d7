#pragma once
// Who may talk to the control socket (SPEC §9): its owner, root, and in group mode the members of
// the socket's group. The decision is a pure function; the lookups around it read the system.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cu::ctl {

// The peer of a connected Unix socket, from SO_PEERCRED.
struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct AccessPolicy {
  uid_t owner_uid = 0;          // the daemon's uid
  std::optional<gid_t> group;   // group mode: the socket's group
};

// True for the owner, for root, and in group mode for a peer whose primary group is the group or
// whose supplementary groups (`peer_groups`) hold it.
bool peer_is_allowed(const PeerCredentials& peer, const AccessPolicy& policy, std::span<const gid_t> peer_groups);

// SO_PEERCRED of a connected Unix socket; nullopt when the kernel does not say.
std::optional<PeerCredentials> peer_credentials(int socket_fd);

// The supplementary groups the peer of a connected Unix socket had when it connected
// (SO_PEERGROUPS, Linux 4.13); nullopt when the kernel does not say.
std::optional<std::vector<gid_t>> peer_groups(int socket_fd);

// The groups of the user `uid` (primary `gid` included), from the user database; just `gid` when
// the user is unknown. The fallback for kernels without SO_PEERGROUPS.
std::vector<gid_t> groups_of_user(uid_t uid, gid_t gid);

// The gid of group `name`, or the number itself when `name` is a numeric gid (ctl.group); throws
// std::runtime_error naming it when there is no such group.
gid_t group_id(const std::string& name);

}  // namespace cu::ctl

#include "ctl/peer_access.h"

#include <algorithm>
#include <stdexcept>

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cu::ctl {
namespace {

constexpr std::size_t kLookupBuffer = 16 * 1024;
constexpr int kMaxGroups = 1024;

// Digits naming a gid below (gid_t)-1, which chown() reads as "unchanged".
bool is_numeric_gid(const std::string& text) {
  return !text.empty() && text.size() <= 10 && text.find_first_not_of("0123456789") == std::string::npos &&
         std::stoull(text) < static_cast<gid_t>(-1);
}

}  // namespace

bool peer_is_allowed(const PeerCredentials& peer, const AccessPolicy& policy, std::span<const gid_t> peer_groups) {
  if (peer.uid == policy.owner_uid || peer.uid == 0) return true;
  if (!policy.group) return false;
  return peer.gid == *policy.group ||
         std::find(peer_groups.begin(), peer_groups.end(), *policy.group) != peer_groups.end();
}

std::optional<PeerCredentials> peer_credentials(int socket_fd) {
  ucred credentials{};
  socklen_t size = sizeof(credentials);
  if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0 || size != sizeof(credentials)) {
    return std::nullopt;
  }
  return PeerCredentials{credentials.pid, credentials.uid, credentials.gid};
}

std::optional<std::vector<gid_t>> peer_groups(int socket_fd) {
  std::vector<gid_t> groups(kMaxGroups);
  socklen_t size = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
  if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) != 0) return std::nullopt;
  groups.resize(size / sizeof(gid_t));
  return groups;
}

std::vector<gid_t> groups_of_user(uid_t uid, gid_t gid) {
  std::vector<char> buffer(kLookupBuffer);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) return {gid};
  std::vector<gid_t> groups(kMaxGroups);
  int count = kMaxGroups;
  if (::getgrouplist(found->pw_name, gid, groups.data(), &count) < 0) return {gid};
  groups.resize(static_cast<std::size_t>(count));
  return groups;
}

gid_t group_id(const std::string& name) {
  if (is_numeric_gid(name)) return static_cast<gid_t>(std::stoul(name));
  std::vector<char> buffer(kLookupBuffer);
  group entry{};
  group* found = nullptr;
  if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    throw std::runtime_error("control socket group \"" + name + "\" does not exist");
  }
  return found->gr_gid;
}

}  // namespace cu::ctl

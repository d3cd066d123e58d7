#include "tail/root_set.h"

#include <system_error>

#include <fmt/format.h>

#include "core/path_identity.h"

namespace cu {

namespace fs = std::filesystem;

namespace {

// Rounds of "watch the nearest directory, look again" before the periodic rescan is left to
// finish the job (only directories created and deleted without pause get that far).
constexpr int kMaxWaitRounds = 16;

// `path` itself when it is a directory (a symlink to one included), else its nearest ancestor that
// is; empty for a relative path none of whose ancestors is one.
fs::path nearest_directory(fs::path path) {
  std::error_code ec;
  while (!fs::is_directory(path, ec)) {
    if (!path.has_relative_path()) return {};
    path = path.parent_path();
  }
  return path;
}

}  // namespace

std::string_view to_string(RootState state) {
  switch (state) {
    case RootState::kMissing: return "missing";
    case RootState::kWatching: return "watching";
    case RootState::kPolling: return "polling";
  }
  return "missing";
}

std::string describe_roots(const std::vector<RootStatus>& roots) {
  std::string missing;
  for (const RootStatus& root : roots) {
    if (root.state != RootState::kMissing) continue;
    missing += (missing.empty() ? "" : ", ") + root.path.string();
  }
  if (missing.empty()) return fmt::format("{} root(s)", roots.size());
  return fmt::format("{} root(s) (waiting for {} to appear)", roots.size(), missing);
}

RootSet::RootSet(std::vector<fs::path> roots) {
  for (fs::path& root : roots) roots_.push_back(Root{std::move(root)});
}

std::vector<fs::path> RootSet::update(Watcher* watcher) {
  std::vector<bool> was_followed;
  std::set<fs::path> ancestors;
  for (Root& root : roots_) {
    was_followed.push_back(followed(root));
    root.present = wait_for(root, watcher, ancestors);
  }
  mark_duplicates();
  std::vector<fs::path> appeared;
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    if (!followed(roots_[i]) || was_followed[i]) continue;
    if (watcher != nullptr) watcher->watch_tree(roots_[i].path / "projects");
    appeared.push_back(roots_[i].path);
  }
  for (const fs::path& dir : ancestors_) {
    if (watcher != nullptr && !ancestors.contains(dir)) watcher->unwatch_directory(dir);
  }
  ancestors_ = std::move(ancestors);
  return appeared;
}

// Whether `root`'s projects/ is a directory. When it is not, its nearest existing ancestor is
// watched (and added to `ancestors`) and looked at again afterwards, so that a component created
// between the look and the watch is not missed.
bool RootSet::wait_for(const Root& root, Watcher* watcher, std::set<fs::path>& ancestors) const {
  const fs::path projects = root.path / "projects";
  fs::path nearest = nearest_directory(projects);
  for (int round = 0; nearest != projects && watcher != nullptr && round < kMaxWaitRounds; ++round) {
    if (nearest.empty()) return false;
    watcher->watch_directory(nearest);
    ancestors.insert(nearest);
    fs::path again = nearest_directory(projects);
    if (again == nearest) return false;
    nearest = std::move(again);
  }
  return nearest == projects;
}

void RootSet::mark_duplicates() {
  std::set<fs::path> seen;
  for (Root& root : roots_) {
    root.duplicate = root.present && !seen.insert(path_identity(root.path / "projects")).second;
  }
}

bool RootSet::forget(const fs::path& dir) {
  bool known = ancestors_.erase(dir) > 0;
  for (Root& root : roots_) {
    if (!root.present || root.path / "projects" != dir) continue;
    root.present = false;
    known = true;
  }
  return known;
}

std::vector<fs::path> RootSet::followed() const {
  std::vector<fs::path> roots;
  for (const Root& root : roots_) {
    if (followed(root)) roots.push_back(root.path);
  }
  return roots;
}

std::vector<fs::path> RootSet::followed_projects() const {
  std::vector<fs::path> dirs;
  for (const fs::path& root : followed()) dirs.push_back(root / "projects");
  return dirs;
}

std::optional<SourceFile> RootSet::classify(const fs::path& path) const {
  for (const fs::path& projects : followed_projects()) {
    const fs::path relative = path.lexically_relative(projects);
    if (relative.empty() || *relative.begin() == "..") continue;
    return classify_source(projects, relative.generic_string());
  }
  return std::nullopt;
}

std::vector<RootStatus> RootSet::statuses(bool polling) const {
  std::vector<RootStatus> statuses;
  for (const Root& root : roots_) {
    const RootState followed_state = polling ? RootState::kPolling : RootState::kWatching;
    statuses.push_back(RootStatus{root.path, root.present ? followed_state : RootState::kMissing});
  }
  return statuses;
}

}  // namespace cu

#pragma once
// Project groups (config key projects.groups): named sets of project folders, chosen by globs, that
// reports can be limited to (--group) or broken down by (daily --by-group).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cu {

struct ProjectGroup {
  std::string name;
  // Globs over project folders ("-home-ana-work-*") or the paths they stand for
  // ("/home/ana/work/*"), as folder_glob() reads them.
  std::vector<std::string> globs;

  friend bool operator==(const ProjectGroup&, const ProjectGroup&) = default;
};

// The name of the projects that belong to no group in a by-group report; no group may take it.
inline constexpr std::string_view kUngroupedName = "(ungrouped)";

// A glob over paths as a glob over project folders: Claude Code names a project's folder after its
// working directory with every character but letters and digits made '-' ("/home/ana/my.app" is
// "-home-ana-my-app"), so the glob's other characters become '-' too, except the glob's own
// '*', '?', '[', ']' and '!'. A folder glob ("-home-ana-*") stays as it is.
std::string folder_glob(std::string_view glob);

// Whether project folder `folder` matches one of the group's globs (fnmatch(3)), as written or as
// folder_glob reads it (a folder not named by Claude Code may keep characters it would replace).
bool in_group(const ProjectGroup& group, std::string_view folder);

// The first group in `groups` (the config's order) that `folder` is in; nullptr when none. A
// project belongs to one group at most, so by-group reports sum to the whole.
const ProjectGroup* group_of(const std::vector<ProjectGroup>& groups, std::string_view folder);

// The group named `name`, or nullptr.
const ProjectGroup* find_group(const std::vector<ProjectGroup>& groups, std::string_view name);

// The folders of `projects` whose group (group_of) is the one named `name` (kUngroupedName: those
// in none), in the order of `projects`.
std::vector<std::string> group_members(const std::vector<ProjectGroup>& groups, std::string_view name,
                                       const std::vector<std::string>& projects);

}  // namespace cu

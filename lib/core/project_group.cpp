#include "core/project_group.h"

#include <fnmatch.h>

#include <algorithm>

namespace cu {
namespace {

bool keeps_its_character(char c) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || c == '*' || c == '?' || c == '[' || c == ']' || c == '!';
}

}  // namespace

std::string folder_glob(std::string_view glob) {
  std::string folder(glob);
  std::replace_if(folder.begin(), folder.end(), [](char c) { return !keeps_its_character(c); }, '-');
  return folder;
}

bool in_group(const ProjectGroup& group, std::string_view folder) {
  const std::string name(folder);
  return std::any_of(group.globs.begin(), group.globs.end(), [&](const std::string& glob) {
    return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0 || ::fnmatch(folder_glob(glob).c_str(), name.c_str(), 0) == 0;
  });
}

const ProjectGroup* group_of(const std::vector<ProjectGroup>& groups, std::string_view folder) {
  const auto found = std::find_if(groups.begin(), groups.end(), [&](const ProjectGroup& g) { return in_group(g, folder); });
  return found == groups.end() ? nullptr : &*found;
}

const ProjectGroup* find_group(const std::vector<ProjectGroup>& groups, std::string_view name) {
  const auto found = std::find_if(groups.begin(), groups.end(), [&](const ProjectGroup& g) { return g.name == name; });
  return found == groups.end() ? nullptr : &*found;
}

std::vector<std::string> group_members(const std::vector<ProjectGroup>& groups, std::string_view name,
                                       const std::vector<std::string>& projects) {
  std::vector<std::string> members;
  for (const std::string& project : projects) {
    const ProjectGroup* group = group_of(groups, project);
    if (group != nullptr ? group->name == name : name == kUngroupedName) members.push_back(project);
  }
  return members;
}

}  // namespace cu

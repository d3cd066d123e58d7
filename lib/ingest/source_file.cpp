#include "ingest/source_file.h"

#include <algorithm>

#include "ingest/transcript_walk.h"

namespace cu {
namespace {

constexpr std::string_view kSuffix = ".jsonl";

// Session id from the path (SPEC §2): P/<id>.jsonl → <id>; P/<sid>/subagents/... → <sid>;
// any other depth → the name of the file's directory.
std::string path_session_id(std::string_view relative) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t slash = relative.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? relative.size() : slash;
    parts.push_back(relative.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() == 2) {
    std::string_view name = parts[1];
    return std::string(name.substr(0, name.size() - kSuffix.size()));
  }
  if (parts.size() >= 4 && parts[2] == "subagents") return std::string(parts[1]);
  return std::string(parts[parts.size() - 2]);
}

}  // namespace

std::optional<SourceFile> classify_source(const std::filesystem::path& projects_dir,
                                          std::string_view relative) {
  if (!relative.ends_with(kSuffix)) return std::nullopt;
  const std::size_t slash = relative.find('/');
  const std::size_t name_start = relative.rfind('/') + 1;  // 0 when there is no slash
  if (relative.size() - name_start <= kSuffix.size()) return std::nullopt;  // "p/.jsonl"
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  SourceFile file;
  file.path = (projects_dir / std::filesystem::path(relative)).native();
  file.relative = std::string(relative);
  file.project = std::string(relative.substr(0, slash));
  file.session_id = path_session_id(relative);
  return file;
}

std::vector<SourceFile> discover_sources(const std::vector<std::filesystem::path>& roots,
                                         std::vector<std::string>* errors) {
  std::vector<std::pair<std::size_t, SourceFile>> found;  // (root index, file)
  for (std::size_t root_index = 0; root_index < roots.size(); ++root_index) {
    const std::filesystem::path projects = roots[root_index] / "projects";
    const std::size_t below = projects.string().size() + 1;  // where the path below projects/ starts
    walk_transcripts(
        {roots[root_index]}, {},
        [&](const std::string& path, std::string_view, std::string_view, const FileStat&) {
          if (auto file = classify_source(projects, std::string_view(path).substr(below))) {
            found.emplace_back(root_index, std::move(*file));
          }
        },
        errors);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (a.second.relative != b.second.relative) return a.second.relative < b.second.relative;
    return a.first < b.first;
  });
  std::vector<SourceFile> files;
  files.reserve(found.size());
  for (auto& [root_index, file] : found) files.push_back(std::move(file));
  return files;
}

}  // namespace cu

#include "ingest/transcript_walk.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cu {
namespace {

// POSIX directory calls rather than std::filesystem: a rescan looks at every transcript (16,000
// at 5 GB of logs), and the recursive iterator's path objects cost more than the system calls
// (bench/scan: 10 us per file against about 4). Names are appended to one path buffer, files stat'ed relative
// to their directory's descriptor.
class Walk {
 public:
  explicit Walk(const TranscriptVisitor& visit) : visit_(visit) {}

  // Walks the directory `fd` (taken over) whose path is path_, in the project folder project_
  // (`top`: that folder itself, whose entries are the sessions' transcripts and folders).
  void directory(int fd, bool top) {
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      ::close(fd);
      return;
    }
    const std::size_t length = path_.size();
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (top) entry_ = name;
      unsigned char type = entry->d_type;
      struct stat st {};
      bool stat_done = false;
      if (type == DT_UNKNOWN) {  // file systems that do not say: ask
        if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        stat_done = true;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
      }
      path_.resize(length);
      path_ += '/';
      path_ += name;
      if (type == DT_DIR) {
        const int child = ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) directory(child, false);
      } else if (type == DT_REG && name.size() > kSuffix.size() && name.ends_with(kSuffix)) {
        if (!stat_done && ::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!S_ISREG(st.st_mode)) continue;
        visit_(path_, project_, entry_, FileStat{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                               static_cast<std::int64_t>(st.st_size)});
      }
    }
    path_.resize(length);
    ::closedir(dir);
  }

  std::string path_;
  std::string project_;

 private:
  static constexpr std::string_view kSuffix = ".jsonl";
  const TranscriptVisitor& visit_;
  std::string entry_;  // the entry of project_ being walked
};

}  // namespace

int project_bucket(std::string_view project, int buckets) {
  return static_cast<int>(std::hash<std::string_view>{}(project) % static_cast<std::size_t>(std::max(1, buckets)));
}

void walk_transcripts(const std::vector<std::filesystem::path>& roots, const ProjectFilter& include,
                      const TranscriptVisitor& visit, std::vector<std::string>* errors) {
  Walk walk(visit);
  for (const std::filesystem::path& root : roots) {
    const std::string projects = (root / "projects").string();
    DIR* top = ::opendir(projects.c_str());
    if (top == nullptr) {
      if (errors != nullptr) errors->push_back(projects + ": " + std::strerror(errno));
      continue;
    }
    // Transcripts live in project folders: files directly in projects/ are not among them.
    while (const dirent* entry = ::readdir(top)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
      if (include && !include(name)) continue;
      const int fd = ::openat(::dirfd(top), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) continue;  // not a directory (DT_UNKNOWN), a symlink, or unreadable
      walk.path_ = projects;
      walk.path_ += '/';
      walk.path_ += name;
      walk.project_ = name;
      walk.directory(fd, true);
    }
    ::closedir(top);
  }
}

}  // namespace cu

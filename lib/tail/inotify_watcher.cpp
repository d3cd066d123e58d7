#include "tail/inotify_watcher.h"

#include <cerrno>
#include <system_error>

#include <sys/inotify.h>
#include <unistd.h>

#include "log/log.h"

namespace cu {
namespace {

constexpr std::uint32_t kDirectoryMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO |
                                         IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |
                                         IN_ONLYDIR | IN_DONT_FOLLOW;

int open_inotify() {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  return fd;
}

}  // namespace

InotifyWatcher::InotifyWatcher(boost::asio::io_context& io, Handler handler)
    : stream_(io, open_inotify()), handler_(std::move(handler)), buffer_(64 * 1024) {
  read_more();
}

InotifyWatcher::~InotifyWatcher() {
  boost::system::error_code ignored;
  stream_.close(ignored);
}

bool InotifyWatcher::add_watch(const std::filesystem::path& dir) {
  const int wd = ::inotify_add_watch(stream_.native_handle(), dir.c_str(), kDirectoryMask);
  if (wd >= 0) {
    paths_[wd] = dir;
    return true;
  }
  if (errno == ENOSPC) {
    if (!limit_reached_) {
      log::warning("inotify watch limit reached at {}; falling back to periodic rescans for the rest",
                   dir.string());
    }
    limit_reached_ = true;
    return false;
  }
  // The directory vanished or is unreadable: nothing to watch, and the rescan will notice.
  return true;
}

bool InotifyWatcher::watch_tree(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  if (!add_watch(dir)) return false;
  std::error_code ec;
  bool complete = true;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) complete = watch_tree(it->path()) && complete;
  }
  return complete;
}

void InotifyWatcher::watch_all(const std::vector<std::filesystem::path>& dirs) {
  bool complete = true;
  for (const std::filesystem::path& dir : dirs) complete = watch_tree(dir) && complete;
  if (complete && limit_reached_) log::info("every log directory is watched again; leaving periodic rescans");
  if (complete) limit_reached_ = false;
}

void InotifyWatcher::read_more() {
  stream_.async_read_some(boost::asio::buffer(buffer_),
                          lifetime_.guard([this](const boost::system::error_code& ec, std::size_t length) {
                            if (ec == boost::asio::error::operation_aborted) return;
                            if (ec) {
                              log::error("inotify read failed: {}", ec.message());
                              return;
                            }
                            dispatch(buffer_.data(), length);
                            read_more();
                          }));
}

// Translates a buffer of inotify_event records. Drains quickly: handlers only queue work.
void InotifyWatcher::dispatch(const char* data, std::size_t length) {
  std::size_t at = 0;
  while (at + sizeof(inotify_event) <= length) {
    const auto* event = reinterpret_cast<const inotify_event*>(data + at);
    at += sizeof(inotify_event) + event->len;
    if (event->mask & IN_Q_OVERFLOW) {
      handler_(WatchEvent{WatchEvent::Kind::kOverflow, {}});
      continue;
    }
    const auto dir = paths_.find(event->wd);
    if (dir == paths_.end()) continue;
    if (event->mask & IN_IGNORED) {
      paths_.erase(dir);
      continue;
    }
    if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      handler_(WatchEvent{WatchEvent::Kind::kDirectoryGone, dir->second});
      continue;
    }
    if (event->len == 0) continue;
    const std::filesystem::path path = dir->second / event->name;
    if (event->mask & IN_ISDIR) {
      if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
        watch_tree(path);
        handler_(WatchEvent{WatchEvent::Kind::kDirectoryAdded, path});
      }
      continue;
    }
    if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
      handler_(WatchEvent{WatchEvent::Kind::kFileGone, path});
    } else {
      handler_(WatchEvent{WatchEvent::Kind::kFileChanged, path});
    }
  }
}

}  // namespace cu

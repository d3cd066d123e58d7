#include "tail/inotify_watcher.h"

#include <cerrno>
#include <system_error>

#include <sys/inotify.h>
#include <unistd.h>

#include "log/log.h"

namespace cu {
namespace {

// A directory of a tree: everything that can change a transcript or the tree's shape.
constexpr std::uint32_t kTreeMask = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                                    IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
// A directory on the way to a root that does not exist yet: only what appears in it. IN_MASK_ADD
// keeps a tree's mask whole when the same directory is both.
constexpr std::uint32_t kEntriesMask = IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                                       IN_MASK_ADD;

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

WatcherFactory InotifyWatcher::factory(boost::asio::io_context& io) {
  return [&io](Handler handler) -> std::unique_ptr<Watcher> {
    return std::make_unique<InotifyWatcher>(io, std::move(handler));
  };
}

// Returns false only for the watch limit (ENOSPC). A directory that vanished or is unreadable
// has nothing to watch, and the rescan will notice.
bool InotifyWatcher::add_watch(const std::filesystem::path& dir, std::uint32_t mask, bool tree) {
  const int wd = ::inotify_add_watch(stream_.native_handle(), dir.c_str(), mask);
  if (wd >= 0) {
    Watch& watch = watches_[wd];  // the same directory again: the same descriptor
    if (tree || watch.path.empty()) watch.path = dir.native();
    watch.tree = watch.tree || tree;
    return true;
  }
  if (errno != ENOSPC) return true;
  if (!limit_reached_) {
    log::warning("inotify watch limit reached at {}; falling back to periodic rescans for the rest", dir.string());
  }
  limit_reached_ = true;
  return false;
}

bool InotifyWatcher::watch_tree(const std::filesystem::path& dir) { return watch_below(dir, true); }

// `follow`: whether `dir` itself may be a symlink (a root or its projects/); below, none is.
bool InotifyWatcher::watch_below(const std::filesystem::path& dir, bool follow) {
  namespace fs = std::filesystem;
  if (!add_watch(dir, kTreeMask | (follow ? 0 : IN_DONT_FOLLOW), true)) return false;
  std::error_code ec;
  bool complete = true;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) complete = watch_below(it->path(), false) && complete;
  }
  return complete;
}

void InotifyWatcher::watch_all(const std::vector<std::filesystem::path>& dirs) {
  bool complete = true;
  for (const std::filesystem::path& dir : dirs) complete = watch_tree(dir) && complete;
  if (complete && limit_reached_) log::info("every log directory is watched again; leaving periodic rescans");
  if (complete) limit_reached_ = false;
}

void InotifyWatcher::watch_directory(const std::filesystem::path& dir) { add_watch(dir, kEntriesMask, false); }

void InotifyWatcher::unwatch_directory(const std::filesystem::path& dir) {
  for (auto it = watches_.begin(); it != watches_.end(); ++it) {
    if (it->second.tree || it->second.path != dir.native()) continue;
    ::inotify_rm_watch(stream_.native_handle(), it->first);
    watches_.erase(it);
    return;
  }
}

void InotifyWatcher::read_more() {
  stream_.async_read_some(boost::asio::buffer(buffer_),
                          lifetime_.guard([this](const boost::system::error_code& ec, std::size_t length) {
                            if (ec == boost::asio::error::operation_aborted) return;
                            if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
                              fail(ec);
                              return;
                            }
                            if (!ec) dispatch(buffer_.data(), length);
                            read_more();
                          }));
}

// The descriptor cannot be read any more (nothing but a kernel or resource fault gets here): the
// owner hears it once and follows by rescans from then on.
void InotifyWatcher::fail(const boost::system::error_code& ec) {
  failed_ = true;
  handler_(WatchEvent{WatchEvent::Kind::kFailed, {}, ec.message()});
}

// Translates a buffer of inotify_event records. Drains quickly: handlers only queue work.
void InotifyWatcher::dispatch(const char* data, std::size_t length) {
  std::size_t at = 0;
  while (at + sizeof(inotify_event) <= length) {
    const auto* event = reinterpret_cast<const inotify_event*>(data + at);
    at += sizeof(inotify_event) + event->len;
    if (event->mask & IN_Q_OVERFLOW) {
      handler_(WatchEvent{WatchEvent::Kind::kOverflow, {}, {}});
      continue;
    }
    const auto found = watches_.find(event->wd);
    if (found == watches_.end()) continue;
    if (event->mask & IN_IGNORED) {
      watches_.erase(found);
      continue;
    }
    const Watch watch = found->second;  // a handler may add watches, which may rehash the map
    if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      handler_(WatchEvent{WatchEvent::Kind::kDirectoryGone, std::filesystem::path(watch.path), {}});
    } else if (event->len > 0) {
      dispatch_entry(watch, event->mask, std::filesystem::path(watch.path) / event->name);
    }
  }
}

// An event about `path`, an entry of the directory `watch`.
void InotifyWatcher::dispatch_entry(const Watch& watch, std::uint32_t mask, const std::filesystem::path& path) {
  if (!watch.tree) {
    if (mask & (IN_CREATE | IN_MOVED_TO)) handler_(WatchEvent{WatchEvent::Kind::kEntryAdded, path, {}});
    return;
  }
  if (mask & IN_ISDIR) {
    if (mask & (IN_CREATE | IN_MOVED_TO)) {
      watch_below(path, false);
      handler_(WatchEvent{WatchEvent::Kind::kDirectoryAdded, path, {}});
    }
    return;
  }
  if (mask & (IN_DELETE | IN_MOVED_FROM)) {
    handler_(WatchEvent{WatchEvent::Kind::kFileGone, path, {}});
  } else {
    handler_(WatchEvent{WatchEvent::Kind::kFileChanged, path, {}});
  }
}

}  // namespace cu

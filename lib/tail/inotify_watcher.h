#pragma once
// Watches directory trees with inotify on a Boost.Asio loop. A hint source only: every event
// triggers an idempotent reconcile, and a periodic rescan catches anything missed (STYLE §2).
// All methods and callbacks run on the io_context's thread.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "tail/loop_lifetime.h"

namespace cu {

struct WatchEvent {
  enum class Kind {
    kFileChanged,       // a file was written, created, moved in, or closed after writing
    kFileGone,          // a file was deleted or moved away
    kDirectoryAdded,    // a directory appeared (created or moved in): now watched, needs a scan
    kDirectoryGone,     // a watched directory was deleted or moved away
    kOverflow,          // the kernel queue overflowed: events were lost, rescan everything
  };
  Kind kind;
  std::filesystem::path path;
};

class InotifyWatcher {
 public:
  using Handler = std::function<void(const WatchEvent&)>;

  // Throws std::system_error when inotify is unavailable.
  InotifyWatcher(boost::asio::io_context& io, Handler handler);
  ~InotifyWatcher();

  // Watches `dir` and every directory below it (symlinks not followed). The watch on a directory is
  // added before it is listed, so nothing created in between is missed. Returns false when the
  // watch limit (ENOSPC) stopped it; the caller then relies on periodic rescans.
  bool watch_tree(const std::filesystem::path& dir);

  // watch_tree for each of `dirs`: the periodic re-walk. When it completes, every directory is
  // watched again and limit_reached() turns false (the limit was raised or watches were freed).
  void watch_all(const std::vector<std::filesystem::path>& dirs);

  std::size_t watch_count() const { return paths_.size(); }
  // A watch failed with ENOSPC since the last complete watch_all().
  bool limit_reached() const { return limit_reached_; }

 private:
  bool add_watch(const std::filesystem::path& dir);
  void read_more();
  void dispatch(const char* data, std::size_t length);

  boost::asio::posix::stream_descriptor stream_;
  Handler handler_;
  std::unordered_map<int, std::filesystem::path> paths_;  // watch descriptor → directory
  std::vector<char> buffer_;
  bool limit_reached_ = false;
  LoopLifetime lifetime_;  // last: gone first, before anything a late read handler would touch
};

}  // namespace cu

#pragma once
// Watches directory trees with inotify on a Boost.Asio loop (the Watcher of the live daemon).
// All methods and callbacks run on the io_context's thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <memory>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "tail/loop_lifetime.h"
#include "tail/watcher.h"

namespace cu {

class InotifyWatcher final : public Watcher {
 public:
  // Throws std::system_error when inotify is unavailable.
  InotifyWatcher(boost::asio::io_context& io, Handler handler);
  ~InotifyWatcher() override;

  // A WatcherFactory making InotifyWatchers on `io`.
  static WatcherFactory factory(boost::asio::io_context& io);

  bool watch_tree(const std::filesystem::path& dir) override;
  void watch_all(const std::vector<std::filesystem::path>& dirs) override;
  void watch_directory(const std::filesystem::path& dir) override;
  void unwatch_directory(const std::filesystem::path& dir) override;
  std::size_t watch_count() const override { return watches_.size(); }
  bool limit_reached() const override { return limit_reached_; }
  bool failed() const override { return failed_; }

 private:
  struct Watch {
    // A string, not a std::filesystem::path: a path also keeps a heap list of its components
    // (about 600 bytes for a session's subagents/ folder; 1.1 MB for 1,825 watches).
    std::string path;
    bool tree = false;  // part of a watch_tree: new directories in it are watched too
  };

  bool watch_below(const std::filesystem::path& dir, bool follow);
  bool add_watch(const std::filesystem::path& dir, std::uint32_t mask, bool tree);
  void read_more();
  void fail(const boost::system::error_code& ec);
  void dispatch(const char* data, std::size_t length);
  void dispatch_entry(const Watch& watch, std::uint32_t mask, const std::filesystem::path& path);

  boost::asio::posix::stream_descriptor stream_;
  Handler handler_;
  std::unordered_map<int, Watch> watches_;  // by watch descriptor
  std::vector<char> buffer_;
  bool limit_reached_ = false;
  bool failed_ = false;
  LoopLifetime lifetime_;  // last: gone first, before anything a late read handler would touch
};

}  // namespace cu

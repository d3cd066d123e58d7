#pragma once
// An in-memory file system with POSIX semantics where tailing cares: open files keep their inode
// through rename and delete, truncation keeps the inode, replacing a path gives a new inode.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ingest/file_system.h"

namespace cu::test {

class FakeFileSystem final : public FileSystem {
 public:
  struct Inode {
    std::uint64_t number = 0;
    std::string data;
  };

  void write(const std::string& path, std::string data) {  // new file (new inode) at `path`
    paths_[path] = std::make_shared<Inode>(Inode{++inodes_, std::move(data)});
  }
  void append(const std::string& path, const std::string& data) { paths_.at(path)->data += data; }
  void truncate(const std::string& path, std::size_t size) { paths_.at(path)->data.resize(size); }
  void overwrite(const std::string& path, std::string data) { paths_.at(path)->data = std::move(data); }
  void rename(const std::string& from, const std::string& to) {
    paths_[to] = paths_.at(from);
    paths_.erase(from);
  }
  void remove(const std::string& path) { paths_.erase(path); }
  int open_count() const { return open_files_; }
  // Called with the path of every open before it happens: to change the file system between the
  // reader's stat and its open.
  void before_open(std::function<void(const std::string&)> hook) { before_open_ = std::move(hook); }

  std::unique_ptr<OpenFile> open(const std::filesystem::path& path, int& error) override {
    if (before_open_) before_open_(path.string());
    const auto it = paths_.find(path.string());
    if (it == paths_.end()) {
      error = ENOENT;
      return nullptr;
    }
    return std::make_unique<File>(it->second, open_files_);
  }

  std::optional<FileStat> stat(const std::filesystem::path& path) override {
    const auto it = paths_.find(path.string());
    if (it == paths_.end()) return std::nullopt;
    return FileStat{1, it->second->number, static_cast<std::int64_t>(it->second->data.size())};
  }

 private:
  class File final : public OpenFile {
   public:
    File(std::shared_ptr<Inode> inode, int& open_files) : inode_(std::move(inode)), open_files_(open_files) {
      ++open_files_;
    }
    ~File() override { --open_files_; }
    std::optional<FileStat> stat() override {
      return FileStat{1, inode_->number, static_cast<std::int64_t>(inode_->data.size())};
    }
    std::int64_t read_at(char* buffer, std::size_t length, std::int64_t offset) override {
      const auto size = static_cast<std::int64_t>(inode_->data.size());
      if (offset >= size) return 0;
      const auto n = std::min<std::int64_t>(static_cast<std::int64_t>(length), size - offset);
      std::copy_n(inode_->data.data() + offset, n, buffer);
      return n;
    }

   private:
    std::shared_ptr<Inode> inode_;
    int& open_files_;
  };

  std::map<std::string, std::shared_ptr<Inode>> paths_;
  std::uint64_t inodes_ = 100;
  int open_files_ = 0;
  std::function<void(const std::string&)> before_open_;
};

}  // namespace cu::test

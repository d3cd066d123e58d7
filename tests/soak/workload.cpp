#include "soak/workload.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace cu::soak {

namespace fs = std::filesystem;

void append_bytes(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + path.string());
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path.string());
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t rename_model(const fs::path& projects, const std::string& from, const std::string& to) {
  const std::string needle = '"' + from + '"';
  const std::string replacement = '"' + to + '"';
  std::int64_t renamed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(projects)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".jsonl") continue;
    std::string text = slurp(entry.path());
    std::int64_t here = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + replacement.size())) {
      text.replace(at, needle.size(), replacement);
      ++here;
    }
    if (here == 0) continue;
    std::ofstream out(entry.path(), std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + entry.path().string());
    renamed += here;
  }
  return renamed;
}

std::shared_ptr<std::mutex> Tree::lock_of(const fs::path& relative) {
  std::lock_guard lock(mutex_);
  auto& entry = locks_[relative];
  if (!entry) {
    entry = std::make_shared<std::mutex>();
    order_.push_back(relative);
  }
  return entry;
}

std::vector<fs::path> Tree::files() const {
  std::lock_guard lock(mutex_);
  return order_;
}

void Archive::preserve(const fs::path& relative, const std::string& bytes) {
  std::lock_guard lock(mutex_);
  if (roots_.empty()) roots_.push_back(base_ / "archive");
  const fs::path path = roots_.front() / "projects" / relative;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
  bytes_ += static_cast<std::int64_t>(bytes.size());
}

void Archive::drop_present(const fs::path& projects) {
  std::lock_guard lock(mutex_);
  for (const fs::path& root : roots_) {
    std::vector<fs::path> present;
    for (const auto& entry : fs::recursive_directory_iterator(root / "projects")) {
      const fs::path relative = entry.path().lexically_relative(root / "projects");
      if (entry.is_regular_file() && fs::exists(projects / relative)) present.push_back(entry.path());
    }
    for (const fs::path& path : present) fs::remove(path);
  }
}

std::vector<fs::path> Archive::roots() const {
  std::lock_guard lock(mutex_);
  return roots_;
}

Writers::Writers(Tree& tree, fs::path staging, std::vector<fs::path> files, WriterOptions options)
    : tree_(tree), staging_(std::move(staging)), shares_(static_cast<std::size_t>(options.sessions)),
      options_(options) {
  for (std::size_t i = 0; i < files.size(); ++i) shares_[i % shares_.size()].push_back(files[i]);
}

Writers::~Writers() { stop(); }

void Writers::start() {
  running_ = static_cast<int>(shares_.size());
  for (std::size_t i = 0; i < shares_.size(); ++i) {
    threads_.emplace_back([this, i] { run(static_cast<int>(i), shares_[i]); });
  }
}

void Writers::stop() {
  stopping_ = true;
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

WriterTotals Writers::totals() const {
  std::lock_guard lock(totals_mutex_);
  return totals_;
}

bool Writers::finished() const { return running_ == 0; }

// Writes `text` (whole lines) under the file's lock; one line of a burst, or a single line now and
// then, goes out in two writes a few milliseconds apart, so the daemon may see a partial line.
void Writers::append(const fs::path& relative, std::string_view text, std::mt19937_64& random) {
  const auto lock = tree_.lock_of(relative);
  std::lock_guard guard(*lock);
  const fs::path path = tree_.projects() / relative;
  bool split = false;
  if (text.size() > 2 && random() % 4 == 0) {
    const std::size_t cut = 1 + random() % (text.size() - 1);
    append_bytes(path, text.substr(0, cut));
    std::this_thread::sleep_for(std::chrono::milliseconds(2 + random() % 30));
    append_bytes(path, text.substr(cut));
    split = true;
  } else {
    append_bytes(path, text);
  }
  std::lock_guard totals(totals_mutex_);
  totals_.bytes += static_cast<std::int64_t>(text.size());
  if (split) ++totals_.split_lines;
}

void Writers::run(int index, std::vector<fs::path> files) {
  std::mt19937_64 random(options_.seed * 1000 + static_cast<std::uint64_t>(index));
  std::bernoulli_distribution burst(options_.burst_probability);
  for (const fs::path& staged : files) {
    const fs::path relative = staged.lexically_relative(staging_ / "projects");
    std::istringstream lines(slurp(staged));
    std::string line;
    while (!stopping_ && std::getline(lines, line)) {
      line += '\n';
      std::int64_t count = 1;
      if (burst(random)) {
        const std::int64_t size = 100 + static_cast<std::int64_t>(random() % 400);
        std::string next;
        while (count < size && std::getline(lines, next)) {
          line += next + '\n';
          ++count;
        }
        std::lock_guard totals(totals_mutex_);
        ++totals_.bursts;
      }
      append(relative, line, random);
      {
        std::lock_guard totals(totals_mutex_);
        totals_.lines += count;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 451));
    }
    if (stopping_) break;
  }
  --running_;
}

}  // namespace cu::soak

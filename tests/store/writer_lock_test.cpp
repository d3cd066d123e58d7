// One writer per database: the lock file next to it, held for a process's life.
#include "store/writer_lock.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/test_support.h"

namespace cu {
namespace {

std::string lock_file_of(const std::filesystem::path& database) { return database.string() + ".lock"; }

// Whether another process can take the lock file's flock right now (a child with a descriptor
// of its own; the parent's state is not consulted).
bool free_for_another_process(const std::filesystem::path& database) {
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(lock_file_of(database).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ::_exit(fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Another process holding the lock, with its pid in the file, until destroyed.
class OtherHolder {
 public:
  explicit OtherHolder(const std::filesystem::path& database) {
    int ready[2], release[2];
    EXPECT_EQ(::pipe(ready), 0);
    EXPECT_EQ(::pipe(release), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(release[1]);  // so that the parent's close is the end of the pipe
      const int fd = ::open(lock_file_of(database).c_str(), O_RDWR | O_CREAT, 0600);
      const std::string pid = std::to_string(::getpid()) + "\n";
      const bool held = fd >= 0 && ::flock(fd, LOCK_EX) == 0 && ::ftruncate(fd, 0) == 0 &&
                        ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
      char byte = held ? 'y' : 'n';
      (void)!::write(ready[1], &byte, 1);
      (void)!::read(release[0], &byte, 1);
      ::_exit(0);
    }
    char byte = 0;
    EXPECT_EQ(::read(ready[0], &byte, 1), 1);
    EXPECT_EQ(byte, 'y');
    release_ = release[1];
    for (const int fd : {ready[0], ready[1], release[0]}) ::close(fd);
  }
  ~OtherHolder() {
    ::close(release_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int release_ = -1;
};

TEST(WriterLockTest, HeldUntilItsLastHolderGoesAndPrivateToItsOwner) {
  test::TempDir dir;
  const auto database = dir.path() / "state" / "usage.db";  // the directory does not exist yet
  auto first = WriterLock::acquire(database);
  auto second = WriterLock::acquire(database);  // a reload's next pipeline, before the old one goes
  EXPECT_EQ(first, second);
  EXPECT_FALSE(free_for_another_process(database));
  EXPECT_EQ(test::read_file(lock_file_of(database)), std::to_string(::getpid()) + "\n");
  struct stat info {};
  ASSERT_EQ(::stat(lock_file_of(database).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  first.reset();
  EXPECT_FALSE(free_for_another_process(database));
  second.reset();
  EXPECT_TRUE(free_for_another_process(database));
}

TEST(WriterLockTest, AnotherProcessesLockIsRefusedNamingItsPid) {
  test::TempDir dir;
  const auto database = dir.path() / "usage.db";
  {
    OtherHolder other(database);
    try {
      WriterLock::acquire(database);
      ADD_FAILURE() << "acquired a lock another process holds";
    } catch (const DatabaseLocked& locked) {
      EXPECT_EQ(locked.holder(), other.pid());
      const std::string message = locked.what();
      EXPECT_NE(message.find(database.string()), std::string::npos) << message;
      EXPECT_NE(message.find("pid " + std::to_string(other.pid())), std::string::npos) << message;
    }
  }
  EXPECT_NE(WriterLock::acquire(database), nullptr);  // free once the other is gone
}

}  // namespace
}  // namespace cu

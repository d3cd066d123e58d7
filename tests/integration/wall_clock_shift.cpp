// A test-only LD_PRELOAD library: shifts the wall clock (CLOCK_REALTIME and its relatives,
// gettimeofday, time) of the process it is loaded into by the whole seconds written in the file
// named by $CU_WALL_CLOCK_SHIFT_FILE, re-read at every call. The monotonic clocks are left alone,
// so that writing a larger shift while the process runs looks to it like a suspend and resume: the
// wall clock jumps, the steady clock does not.
//
// Every clock goes to the kernel by syscall, and nothing here allocates: the daemon's allocator
// (jemalloc) reads the clock while it initialises, before any interposer could safely call dlsym.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

namespace {

// The shift in seconds: an optionally signed decimal; 0 when the file is missing or unreadable.
std::int64_t shift_seconds() {
  const char* path = std::getenv("CU_WALL_CLOCK_SHIFT_FILE");
  if (path == nullptr) return 0;
  const int fd = static_cast<int>(::syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC));
  if (fd < 0) return 0;
  char text[32] = {};
  const long size = ::syscall(SYS_read, fd, text, sizeof(text) - 1);
  ::syscall(SYS_close, fd);
  std::int64_t value = 0;
  const bool negative = size > 0 && text[0] == '-';
  for (long i = (negative || (size > 0 && text[0] == '+')) ? 1 : 0; i < size && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + (text[i] - '0');
  }
  return negative ? -value : value;
}

bool is_wall_clock(clockid_t clock) {
  return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

}  // namespace

extern "C" {

int clock_gettime(clockid_t clock, struct timespec* time) noexcept {
  const int saved_errno = errno;
  const long result = ::syscall(SYS_clock_gettime, clock, time);
  if (result != 0) return -1;
  if (is_wall_clock(clock)) time->tv_sec += shift_seconds();
  errno = saved_errno;
  return 0;
}

int gettimeofday(struct timeval* time, void*) noexcept {
  struct timespec now {};
  if (clock_gettime(CLOCK_REALTIME, &now) != 0) return -1;
  time->tv_sec = now.tv_sec;
  time->tv_usec = now.tv_nsec / 1000;
  return 0;
}

time_t time(time_t* out) noexcept {
  struct timespec now {};
  clock_gettime(CLOCK_REALTIME, &now);
  if (out != nullptr) *out = now.tv_sec;
  return now.tv_sec;
}

}  // extern "C"

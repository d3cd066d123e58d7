#pragma once
// Handlers an object gives its io_context can run after the object is gone. post() cannot be
// cancelled, and cancelling or destroying a timer or a descriptor does not recall a handler whose
// operation had already completed: that handler still runs, with a success code. An object that
// the loop outlives (the Follower a reload replaces, the InotifyWatcher a stop() drops) wraps its
// handlers with its LoopLifetime, and they do nothing once it is destroyed.
// Single-threaded by contract: the owner and its handlers run on the io_context's one thread.
#include <memory>
#include <utility>

namespace cu {

class LoopLifetime {
 public:
  LoopLifetime() = default;
  LoopLifetime(const LoopLifetime&) = delete;
  LoopLifetime& operator=(const LoopLifetime&) = delete;

  // `handler`, called with whatever the operation passes, as long as this LoopLifetime exists.
  template <class Handler>
  auto guard(Handler handler) const {
    return [alive = std::weak_ptr<const bool>(alive_), handler = std::move(handler)](auto&&... args) mutable {
      if (!alive.expired()) handler(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace cu

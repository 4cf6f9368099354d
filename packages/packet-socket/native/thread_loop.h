// Pieces shared by the addon's long-lived threads (bfd_pacer.cc, membership_link.cc,
// neighbor_responder.cc): each runs an epoll loop over its sockets, an eventfd and a timerfd armed
// at an absolute deadline, and reports to JavaScript through a thread-safe function.
#ifndef PACKET_SOCKET_THREAD_LOOP_H_
#define PACKET_SOCKET_THREAD_LOOP_H_

#include <errno.h>
#include <node_api.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <initializer_list>

namespace packet_socket {

// CLOCK_MONOTONIC in µs: the threads' clock, the same in every thread.
inline uint64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

// Names the calling thread (at most 15 characters): a new thread inherits its creator's name,
// "MainThread" for Node's, so without it top -H and /proc/PID/task/*/comm count the loop
// threads as the JavaScript thread.
inline void NameThisThread(const char* name) { pthread_setname_np(pthread_self(), name); }

// The descriptors a loop thread waits on: an epoll set holding an eventfd that wakes the thread
// and a timerfd armed at absolute deadlines, each reported under the id given to Open. The
// owner adds its own sockets with Watch; they stay the owner's to close.
class LoopFds {
 public:
  LoopFds() = default;
  LoopFds(const LoopFds&) = delete;
  LoopFds& operator=(const LoopFds&) = delete;
  ~LoopFds() { Close(); }

  // Creates the three descriptors; false with errno set, and none left open, if one fails.
  bool Open(uint64_t wake_id, uint64_t timer_id) {
    wake_id_ = wake_id;
    timer_id_ = timer_id;
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epoll_ >= 0 && wake_ >= 0 && timer_ >= 0 && Watch(wake_, wake_id) && Watch(timer_, timer_id)) return true;
    int err = errno;
    Close();
    errno = err;
    return false;
  }

  void Close() {
    for (int* fd : {&epoll_, &wake_, &timer_}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }

  // Adds `fd` to the epoll set; its readiness comes back from Wait with `id`.
  bool Watch(int fd, uint64_t id) const {
    epoll_event event = {};
    event.events = EPOLLIN;
    event.data.u64 = id;
    return epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) == 0;
  }

  void Unwatch(int fd) const { epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr); }
  int Wait(epoll_event* ready, int max, int timeout_ms) const { return epoll_wait(epoll_, ready, max, timeout_ms); }

  // Arms the timer at `at_us` on MonotonicUs()'s clock (absolute); 0 disarms it.
  void ArmAt(uint64_t at_us) const {
    itimerspec spec = {};
    if (at_us != 0) {
      spec.it_value.tv_sec = static_cast<time_t>(at_us / 1000000u);
      spec.it_value.tv_nsec = static_cast<long>((at_us % 1000000u) * 1000u);
    }
    timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  // Makes the thread's Wait return.
  void Wake() const {
    uint64_t one = 1;
    ssize_t ignored = write(wake_, &one, sizeof(one));
    (void)ignored;
  }

  // For an id Wait reported: true if it is the wake-up's or the timer's, whose counter is then
  // read (else epoll, level-triggered, would report it again at once); false for the owner's.
  bool Consume(uint64_t id) const {
    if (id != wake_id_ && id != timer_id_) return false;
    uint64_t count;
    ssize_t ignored = read(id == wake_id_ ? wake_ : timer_, &count, sizeof(count));
    (void)ignored;
    return true;
  }

 private:
  int epoll_ = -1;
  int wake_ = -1;
  int timer_ = -1;
  uint64_t wake_id_ = 0;
  uint64_t timer_id_ = 0;
};

// Runs `stop(owner)` once if the N-API environment is torn down while the owner lives (a worker
// thread ending, the process exiting: an object wrap's destructor may then never run), so its
// thread is joined before the environment goes; unregisters itself if the owner goes first.
class EnvCleanupHook {
 public:
  EnvCleanupHook() = default;
  EnvCleanupHook(const EnvCleanupHook&) = delete;
  EnvCleanupHook& operator=(const EnvCleanupHook&) = delete;
  ~EnvCleanupHook() {
    if (registered_) napi_remove_env_cleanup_hook(env_, &EnvCleanupHook::Run, this);
  }

  void Register(napi_env env, void (*stop)(void*), void* owner) {
    env_ = env;
    stop_ = stop;
    owner_ = owner;
    registered_ = napi_add_env_cleanup_hook(env, &EnvCleanupHook::Run, this) == napi_ok;
  }

 private:
  static void Run(void* self) {
    auto* hook = static_cast<EnvCleanupHook*>(self);
    hook->registered_ = false;
    hook->stop_(hook->owner_);
  }

  napi_env env_ = nullptr;
  void (*stop_)(void*) = nullptr;
  void* owner_ = nullptr;
  bool registered_ = false;
};

// On the JavaScript thread, from a thread-safe function's call_js: calls `callback` with `argv`;
// an exception it throws is reported like any uncaught exception of that thread. Plain N-API
// calls with their status checked: while a worker terminates, calls still queued run with an
// environment that can no longer run JavaScript, and node-addon-api's wrappers would turn that
// failure into a fatal error; those calls are dropped instead.
inline void CallFromThread(napi_env env, napi_value callback, size_t argc, const napi_value* argv) {
  napi_value global;
  napi_value result;
  if (napi_get_global(env, &global) != napi_ok) return;
  napi_status status = napi_call_function(env, global, callback, argc, argv, &result);
  bool pending = false;
  if (status == napi_pending_exception && napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
}

}  // namespace packet_socket

#endif  // PACKET_SOCKET_THREAD_LOOP_H_

// Pieces shared by the addon's long-lived threads (bfd_pacer.cc, membership_link.cc): each runs
// an epoll loop over its sockets, an eventfd and a timerfd armed at an absolute deadline, and
// reports to JavaScript through a thread-safe function.
#ifndef PACKET_SOCKET_THREAD_LOOP_H_
#define PACKET_SOCKET_THREAD_LOOP_H_

#include <node_api.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>

#include <cstdint>

namespace packet_socket {

// CLOCK_MONOTONIC in µs: the threads' clock, the same in every thread.
inline uint64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

// Adds `fd` to the epoll set; its readiness comes back with `id`.
inline bool WatchFd(int epoll_fd, int fd, uint64_t id) {
  epoll_event event = {};
  event.events = EPOLLIN;
  event.data.u64 = id;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

// Arms the timerfd at `at_us` on MonotonicUs()'s clock (absolute); 0 disarms it.
inline void ArmTimerAt(int timer_fd, uint64_t at_us) {
  itimerspec spec = {};
  if (at_us != 0) {
    spec.it_value.tv_sec = static_cast<time_t>(at_us / 1000000u);
    spec.it_value.tv_nsec = static_cast<long>((at_us % 1000000u) * 1000u);
  }
  timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
}

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

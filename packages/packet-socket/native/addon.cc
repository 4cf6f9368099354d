// Module entry: exports the Socket, UdpSocket, BfdPacer and MembershipLink classes,
// setThreadRealtimePriority, trimMallocHeap and the stream fd functions; errno helpers.
#include <malloc.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

#include "packet_socket.h"

namespace packet_socket {

Napi::Value ErrnoError(Napi::Env env, const char* op, int err) {
  Napi::Error error = Napi::Error::New(env, std::string(op) + ": " + std::strerror(err));
  error.Set("op", Napi::String::New(env, op));
  error.Set("errno", Napi::Number::New(env, err));
  return error.Value();
}

void ThrowErrno(Napi::Env env, const char* op, int err) {
  Napi::Error(env, ErrnoError(env, op, err)).ThrowAsJavaScriptException();
}

// setThreadRealtimePriority(priority): SCHED_FIFO at `priority` (1-99) for the calling thread
// only (Linux applies sched_setscheduler(0, ...) to the caller's thread id, not the process), or
// back to SCHED_OTHER for 0. SCHED_RESET_ON_FORK keeps children out of the realtime class.
static Napi::Value SetThreadRealtimePriority(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "setThreadRealtimePriority(priority) takes a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int priority = info[0].As<Napi::Number>().Int32Value();
  struct sched_param param = {};
  param.sched_priority = priority;
  int policy = (priority > 0 ? SCHED_FIFO : SCHED_OTHER) | SCHED_RESET_ON_FORK;
  if (sched_setscheduler(0, policy, &param) < 0) ThrowErrno(env, "sched_setscheduler", errno);
  return env.Undefined();
}

// trimMallocHeap(): malloc_trim(0). glibc's free() gives memory back to the kernel only from the
// top of an arena, so after a burst the pages of free chunks below a live one stay resident;
// malloc_trim also releases those (MADV_DONTNEED on every whole free page, glibc >= 2.8). Returns
// true if any memory was released; false, doing nothing, under a C library without it (musl).
static Napi::Value TrimMallocHeap(const Napi::CallbackInfo& info) {
#ifdef __GLIBC__
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace packet_socket

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("Socket", packet_socket::Socket::Init(env));
  exports.Set("UdpSocket", packet_socket::UdpSocket::Init(env));
  exports.Set("setThreadRealtimePriority", Napi::Function::New(env, packet_socket::SetThreadRealtimePriority));
  exports.Set("trimMallocHeap", Napi::Function::New(env, packet_socket::TrimMallocHeap));
  exports.Set("openStreamFd", Napi::Function::New(env, packet_socket::OpenStreamFd));
  exports.Set("setFdOption", Napi::Function::New(env, packet_socket::SetFdOption));
  exports.Set("bindFd", Napi::Function::New(env, packet_socket::BindStreamFd));
  exports.Set("closeFd", Napi::Function::New(env, packet_socket::CloseFd));
  packet_socket::InitBfdPacer(env, exports);
  packet_socket::InitMembershipLink(env, exports);
  packet_socket::InitNeighborResponder(env, exports);
  return exports;
}

NODE_API_MODULE(packet_socket, InitModule)

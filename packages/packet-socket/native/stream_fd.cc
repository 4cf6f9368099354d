// Stream socket fds for TCP sessions that need options Node's net module lacks (TCP_MD5SIG,
// IP_MINTTL, IP_TTL before connect, a socket inside another network namespace). The fd is
// created and configured here, then handed to Node (`new net.Socket({ fd })`, `server.listen({ fd })`),
// which owns it from then on; all policy stays in TypeScript.
#include <unistd.h>

#include <cerrno>

#include "packet_socket.h"

namespace packet_socket {

namespace {

bool IntArg(const Napi::CallbackInfo& info, size_t index) { return info.Length() > index && info[index].IsNumber(); }

}  // namespace

// openStreamFd(family, netnsPath?) -> fd (non-blocking, close-on-exec TCP socket).
Napi::Value OpenStreamFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IntArg(info, 0)) return ThrowType(env, "openStreamFd(family, netnsPath?) takes a number"), env.Undefined();
  const char* op = "open";
  int fd = OpenSocket(info.Length() > 1 ? info[1] : env.Undefined(), info[0].As<Napi::Number>().Int32Value(),
                      SOCK_STREAM, IPPROTO_TCP, &op);
  if (fd < 0) return ThrowErrno(env, op, errno), env.Undefined();
  return Napi::Number::New(env, fd);
}

// setFdOption(fd, level, name, valueBytes)
Napi::Value SetFdOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IntArg(info, 0) || !IntArg(info, 1) || !IntArg(info, 2) || info.Length() < 4 || !IsBuffer(info[3])) {
    return ThrowType(env, "setFdOption(fd, level, name, value) takes three numbers and a Buffer"), env.Undefined();
  }
  auto [data, length] = BytesOf(info[3]);
  if (setsockopt(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                 info[2].As<Napi::Number>().Int32Value(), data, static_cast<socklen_t>(length)) < 0) {
    ThrowErrno(env, "setOption", errno);
  }
  return env.Undefined();
}

// bindFd(fd, sockaddrBytes)
Napi::Value BindStreamFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IntArg(info, 0) || info.Length() < 2 || !IsBuffer(info[1])) {
    return ThrowType(env, "bindFd(fd, sockaddr) takes a number and a Buffer"), env.Undefined();
  }
  auto [data, length] = BytesOf(info[1]);
  if (bind(info[0].As<Napi::Number>().Int32Value(), reinterpret_cast<const sockaddr*>(data),
           static_cast<socklen_t>(length)) < 0) {
    ThrowErrno(env, "bind", errno);
  }
  return env.Undefined();
}

// closeFd(fd): for an fd that was never handed to Node (a failed setup).
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IntArg(info, 0)) return ThrowType(env, "closeFd(fd) takes a number"), env.Undefined();
  close(info[0].As<Napi::Number>().Int32Value());
  return env.Undefined();
}

}  // namespace packet_socket

// Module entry: exports the Socket class and the platform name; errno helpers.
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

}  // namespace packet_socket

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("Socket", packet_socket::Socket::Init(env));
  return exports;
}

NODE_API_MODULE(packet_socket, InitModule)

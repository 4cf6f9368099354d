// A thin N-API wrapper around one Linux socket (AF_PACKET for frames, AF_NETLINK for interface
// discovery): open (optionally inside another network namespace), bind, setsockopt, attach a
// classic BPF program, send/sendmmsg, and uv_poll-driven recvmmsg batches handed to JavaScript in
// one call. All policy (what to filter, how to queue, error wording) lives in TypeScript.
#pragma once

#include <napi.h>
#include <uv.h>

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace packet_socket {

// Receive state that must outlive the JS object until libuv is done with the poll handle:
// freed in the uv_close callback, never earlier.
struct Reader {
  uv_poll_t poll;
  int fd = -1;
  bool polling = false;
  uint32_t slot_count = 0;
  uint32_t slot_bytes = 0;
  // slot_count * slot_bytes, left uninitialised: a page is touched only once a frame lands in
  // it (64 netlink slots of 64 KiB, zero-filled, were 4 MiB of RSS for a few small messages).
  std::unique_ptr<uint8_t[]> storage;
  std::vector<uint8_t> control;      // slot_count * control_bytes (PACKET_AUXDATA)
  std::vector<struct mmsghdr> msgs;
  std::vector<struct iovec> iovs;
  class Socket* owner = nullptr;     // cleared when the JS object is finalized
};

class Socket : public Napi::ObjectWrap<Socket> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit Socket(const Napi::CallbackInfo& info);
  ~Socket() override;

 private:
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value SetOption(const Napi::CallbackInfo& info);
  Napi::Value GetOption(const Napi::CallbackInfo& info);
  Napi::Value AttachFilter(const Napi::CallbackInfo& info);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value SendBatch(const Napi::CallbackInfo& info);
  Napi::Value Receive(const Napi::CallbackInfo& info);
  Napi::Value StartReading(const Napi::CallbackInfo& info);
  Napi::Value Pause(const Napi::CallbackInfo& info);
  Napi::Value Resume(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  static void OnReadable(uv_poll_t* handle, int status, int events);
  static void OnClosed(uv_handle_t* handle);
  void DeliverBatch(int status);
  bool CheckOpen(Napi::Env env, const char* op);

  int fd_ = -1;
  bool closed_ = false;
  Reader* reader_ = nullptr;
  Napi::FunctionReference on_batch_;
  Napi::FunctionReference on_closed_;
  Napi::ObjectReference self_;
  Napi::AsyncContext* async_context_ = nullptr;
};

// socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol), inside the network namespace at the
// path `netns` when it is a non-empty string (the calling thread returns to its own namespace);
// -1 with errno and *failed_op set on failure.
int OpenSocket(const Napi::Value& netns, int family, int type, int protocol, const char** failed_op);
// The shared bodies of bind(sockaddr) and setOption(level, name, value) on `fd` (throw on error).
void BindFd(const Napi::CallbackInfo& info, int fd);
void SetOptionFd(const Napi::CallbackInfo& info, int fd);
// Argument helpers: a Buffer or TypedArray, its bytes, and a TypeError.
bool IsBuffer(const Napi::Value& value);
std::pair<uint8_t*, size_t> BytesOf(const Napi::Value& value);
void ThrowType(Napi::Env env, const char* message);

// Throws a JS Error carrying `op` and the positive `errno` (TypeScript turns it into SocketError).
void ThrowErrno(Napi::Env env, const char* op, int err);
// The same error as a value, for callbacks.
Napi::Value ErrnoError(Napi::Env env, const char* op, int err);

// A UDP socket whose datagrams arrive with their source address, received TTL / hop limit and
// interface (IP_RECVTTL, IP_PKTINFO and their IPv6 twins, enabled from TypeScript), and that sends
// with sendto: what BFD (RFC 5881 §5 GTSM) needs and Node's dgram cannot do.
struct UdpReader {
  uv_poll_t poll;
  int fd = -1;
  class UdpSocket* owner = nullptr;  // cleared when the JS object is finalized
};

class UdpSocket : public Napi::ObjectWrap<UdpSocket> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit UdpSocket(const Napi::CallbackInfo& info);
  ~UdpSocket() override;

 private:
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value SetOption(const Napi::CallbackInfo& info);
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value LocalAddress(const Napi::CallbackInfo& info);
  Napi::Value SendTo(const Napi::CallbackInfo& info);
  Napi::Value StartReading(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  static void OnReadable(uv_poll_t* handle, int status, int events);
  static void OnClosed(uv_handle_t* handle);
  void Drain(int status);

  int fd_ = -1;
  bool closed_ = false;
  UdpReader* reader_ = nullptr;
  Napi::FunctionReference on_message_;
  Napi::ObjectReference self_;
  Napi::AsyncContext* async_context_ = nullptr;
};

// Stream (TCP) fds configured before Node takes them over (stream_fd.cc).
Napi::Value OpenStreamFd(const Napi::CallbackInfo& info);
Napi::Value SetFdOption(const Napi::CallbackInfo& info);
Napi::Value BindStreamFd(const Napi::CallbackInfo& info);
Napi::Value CloseFd(const Napi::CallbackInfo& info);

// BfdPacer (a native BFD timing thread), monotonicTimeUs and the pure schedule functions
// (bfd_pacer.cc).
void InitBfdPacer(Napi::Env env, Napi::Object exports);
void InitMembershipLink(Napi::Env env, Napi::Object exports);
// NeighborResponder (a native ARP/NDP answering thread, neighbor_responder.cc).
void InitNeighborResponder(Napi::Env env, Napi::Object exports);

}  // namespace packet_socket

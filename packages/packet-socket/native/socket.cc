// Socket: one Linux socket fd driven by uv_poll. See packet_socket.h.
#include <fcntl.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "packet_socket.h"

namespace packet_socket {

namespace {

// Room for one PACKET_AUXDATA control message per received frame.
constexpr size_t kControlBytes = CMSG_SPACE(sizeof(struct tpacket_auxdata));
// Headroom in front of each receive slot so an 802.1Q tag can be put back in place.
constexpr uint32_t kVlanHeadroom = 4;
// sendmmsg takes at most UIO_MAXIOV messages per call.
constexpr size_t kMaxSendBatch = 1024;

void* CloseInBackground(void* fd) {
  close(static_cast<int>(reinterpret_cast<intptr_t>(fd)));
  return nullptr;
}

// Closing an AF_PACKET socket waits for an RCU grace period in the kernel (packet_release calls
// synchronize_net(), 10-30 ms). Doing that on the event loop thread would stall every other
// callback, so the final close(2) runs on a short-lived detached thread instead.
void ReleaseFd(int fd) {
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    int failed = pthread_create(&thread, &attr, CloseInBackground, reinterpret_cast<void*>(static_cast<intptr_t>(fd)));
    pthread_attr_destroy(&attr);
    if (failed == 0) return;
  }
  close(fd);  // No thread available: close here, slower but correct.
}

}  // namespace

// Opens the socket inside the network namespace at `netns_path`, then returns the calling thread
// to its own namespace. The socket stays in the namespace it was created in.
static int OpenIn(const std::string& netns_path, int family, int type, int protocol, const char** failed_op) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) {
    *failed_op = "openNetns";
    return -1;
  }
  int target = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int err = errno;
    close(self);
    errno = err;
    *failed_op = "openNetns";
    return -1;
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int err = errno;
    close(self);
    close(target);
    errno = err;
    *failed_op = "setns";
    return -1;
  }
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  int err = errno;
  if (setns(self, CLONE_NEWNET) < 0) {
    // The main thread would stay in a foreign namespace: every later socket would land there.
    std::fprintf(stderr, "packet-socket: cannot return to the original network namespace: %s\n", std::strerror(errno));
    std::abort();
  }
  close(self);
  close(target);
  errno = err;
  *failed_op = "open";
  return fd;
}

bool IsBuffer(const Napi::Value& value) { return value.IsBuffer() || value.IsTypedArray(); }

// Bytes of a Buffer or any TypedArray argument.
std::pair<uint8_t*, size_t> BytesOf(const Napi::Value& value) {
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  auto* base = static_cast<uint8_t*>(array.ArrayBuffer().Data());
  return {base + array.ByteOffset(), array.ByteLength()};
}

void ThrowType(Napi::Env env, const char* message) { Napi::TypeError::New(env, message).ThrowAsJavaScriptException(); }


int OpenSocket(const Napi::Value& netns, int family, int type, int protocol, const char** failed_op) {
  *failed_op = "open";
  if (netns.IsString() && !netns.As<Napi::String>().Utf8Value().empty()) {
    return OpenIn(netns.As<Napi::String>().Utf8Value(), family, type, protocol, failed_op);
  }
  return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
}

void BindFd(const Napi::CallbackInfo& info, int fd) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !IsBuffer(info[0])) return ThrowType(env, "bind(sockaddr) takes a Buffer");
  auto [data, length] = BytesOf(info[0]);
  if (bind(fd, reinterpret_cast<const sockaddr*>(data), static_cast<socklen_t>(length)) < 0) {
    ThrowErrno(env, "bind", errno);
  }
}

void SetOptionFd(const Napi::CallbackInfo& info, int fd) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !IsBuffer(info[2])) {
    return ThrowType(env, "setOption(level, name, value) takes two numbers and a Buffer");
  }
  auto [data, length] = BytesOf(info[2]);
  if (setsockopt(fd, info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(), data,
                 static_cast<socklen_t>(length)) < 0) {
    ThrowErrno(env, "setOption", errno);
  }
}

Napi::Function Socket::Init(Napi::Env env) {
  return DefineClass(env, "Socket",
                     {
                         InstanceAccessor<&Socket::Fd>("fd"),
                         InstanceMethod<&Socket::Bind>("bind"),
                         InstanceMethod<&Socket::SetOption>("setOption"),
                         InstanceMethod<&Socket::GetOption>("getOption"),
                         InstanceMethod<&Socket::AttachFilter>("attachFilter"),
                         InstanceMethod<&Socket::Send>("send"),
                         InstanceMethod<&Socket::SendBatch>("sendBatch"),
                         InstanceMethod<&Socket::Receive>("receive"),
                         InstanceMethod<&Socket::StartReading>("startReading"),
                         InstanceMethod<&Socket::Pause>("pause"),
                         InstanceMethod<&Socket::Resume>("resume"),
                         InstanceMethod<&Socket::Close>("close"),
                     });
}

// new Socket(family, type, protocol, netnsPath?)
Socket::Socket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Socket>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber()) {
    ThrowType(env, "Socket(family, type, protocol, netnsPath?) takes three numbers");
    return;
  }
  int family = info[0].As<Napi::Number>().Int32Value();
  int type = info[1].As<Napi::Number>().Int32Value();
  int protocol = info[2].As<Napi::Number>().Int32Value();
  const char* op = "open";
  fd_ = OpenSocket(info.Length() > 3 ? info[3] : env.Undefined(), family, type, protocol, &op);
  if (fd_ < 0) {
    closed_ = true;
    ThrowErrno(env, op, errno);
  }
}

Socket::~Socket() {
  if (reader_ != nullptr) {
    reader_->owner = nullptr;
    if (!closed_) {
      closed_ = true;
      uv_poll_stop(&reader_->poll);
      uv_close(reinterpret_cast<uv_handle_t*>(&reader_->poll), OnClosed);
    }
  } else if (!closed_ && fd_ >= 0) {
    ReleaseFd(fd_);
  }
  delete async_context_;
}

bool Socket::CheckOpen(Napi::Env env, const char* op) {
  if (!closed_) return true;
  ThrowErrno(env, op, EBADF);
  return false;
}

Napi::Value Socket::Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), closed_ ? -1 : fd_); }

// bind(sockaddrBytes)
Napi::Value Socket::Bind(const Napi::CallbackInfo& info) {
  if (CheckOpen(info.Env(), "bind")) BindFd(info, fd_);
  return info.Env().Undefined();
}

// setOption(level, name, valueBytes)
Napi::Value Socket::SetOption(const Napi::CallbackInfo& info) {
  if (CheckOpen(info.Env(), "setOption")) SetOptionFd(info, fd_);
  return info.Env().Undefined();
}

// getOption(level, name, maxBytes) -> Buffer
Napi::Value Socket::GetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "getOption")) return env.Undefined();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber()) {
    ThrowType(env, "getOption(level, name, maxBytes) takes three numbers");
    return env.Undefined();
  }
  std::vector<uint8_t> value(info[2].As<Napi::Number>().Uint32Value());
  socklen_t length = static_cast<socklen_t>(value.size());
  if (getsockopt(fd_, info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(), value.data(),
                 &length) < 0) {
    ThrowErrno(env, "getOption", errno);
    return env.Undefined();
  }
  return Napi::Buffer<uint8_t>::Copy(env, value.data(), length);
}

// attachFilter(programBytes): classic BPF, 8 bytes per instruction (struct sock_filter).
Napi::Value Socket::AttachFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "attachFilter")) return env.Undefined();
  if (info.Length() < 1 || !IsBuffer(info[0])) {
    ThrowType(env, "attachFilter(program) takes a Buffer");
    return env.Undefined();
  }
  auto [data, length] = BytesOf(info[0]);
  // Copy so the instructions are aligned whatever the Buffer's offset.
  std::vector<struct sock_filter> program(length / sizeof(struct sock_filter));
  std::memcpy(program.data(), data, program.size() * sizeof(struct sock_filter));
  struct sock_fprog fprog = {static_cast<unsigned short>(program.size()), program.data()};
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
    ThrowErrno(env, "attachFilter", errno);
  }
  return env.Undefined();
}

// send(frame) -> bytes sent
Napi::Value Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "send")) return env.Undefined();
  if (info.Length() < 1 || !IsBuffer(info[0])) {
    ThrowType(env, "send(frame) takes a Buffer");
    return env.Undefined();
  }
  auto [data, length] = BytesOf(info[0]);
  ssize_t sent;
  do {
    sent = send(fd_, data, length, MSG_DONTWAIT);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    ThrowErrno(env, "send", errno);
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

// sendBatch(frames[]) -> frames sent; stops early (without throwing) when the socket buffer is
// full or when a later frame fails after earlier ones were sent.
Napi::Value Socket::SendBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "sendBatch")) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsArray()) {
    ThrowType(env, "sendBatch(frames) takes an array of Buffers");
    return env.Undefined();
  }
  Napi::Array frames = info[0].As<Napi::Array>();
  const uint32_t count = frames.Length();
  std::vector<struct iovec> iovs(count);
  std::vector<struct mmsghdr> msgs(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value frame = frames.Get(i);
    if (!IsBuffer(frame)) {
      ThrowType(env, "sendBatch(frames) takes an array of Buffers");
      return env.Undefined();
    }
    auto [data, length] = BytesOf(frame);
    iovs[i] = {data, length};
    std::memset(&msgs[i], 0, sizeof(msgs[i]));
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uint32_t sent = 0;
  while (sent < count) {
    unsigned int chunk = static_cast<unsigned int>(std::min<size_t>(count - sent, kMaxSendBatch));
    int n = sendmmsg(fd_, msgs.data() + sent, chunk, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (sent > 0 || errno == EAGAIN || errno == EWOULDBLOCK) break;
      ThrowErrno(env, "sendBatch", errno);
      return env.Undefined();
    }
    sent += static_cast<uint32_t>(n);
    if (static_cast<unsigned int>(n) < chunk) break;
  }
  return Napi::Number::New(env, sent);
}

// receive(maxBytes) -> Buffer | null: one non-blocking recv, for request/response use (netlink).
Napi::Value Socket::Receive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "receive")) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    ThrowType(env, "receive(maxBytes) takes a number");
    return env.Undefined();
  }
  std::vector<uint8_t> buffer(info[0].As<Napi::Number>().Uint32Value());
  ssize_t n;
  do {
    n = recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    ThrowErrno(env, "receive", errno);
    return env.Undefined();
  }
  return Napi::Buffer<uint8_t>::Copy(env, buffer.data(), static_cast<size_t>(n));
}

// startReading(onBatch(error, data, lengths), slotCount, slotBytes): on every readable wake-up,
// one recvmmsg of up to slotCount frames, copied back to back into one new Buffer `data`, with
// their lengths in `lengths` (Uint32Array). VLAN tags the kernel moved out of the frame are put
// back in place (from PACKET_AUXDATA, when enabled).
Napi::Value Socket::StartReading(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "receive")) return env.Undefined();
  if (info.Length() < 3 || !info[0].IsFunction() || !info[1].IsNumber() || !info[2].IsNumber()) {
    ThrowType(env, "startReading(onBatch, slotCount, slotBytes) takes a function and two numbers");
    return env.Undefined();
  }
  on_batch_ = Napi::Persistent(info[0].As<Napi::Function>());
  if (reader_ != nullptr) return env.Undefined();
  uint32_t slot_count = std::max(1u, info[1].As<Napi::Number>().Uint32Value());
  uint32_t slot_bytes = std::max(64u, info[2].As<Napi::Number>().Uint32Value()) + kVlanHeadroom;

  auto* reader = new Reader();
  reader->fd = fd_;
  reader->owner = this;
  reader->slot_count = slot_count;
  reader->slot_bytes = slot_bytes;
  reader->storage.reset(new uint8_t[static_cast<size_t>(slot_count) * slot_bytes]);
  reader->control.resize(static_cast<size_t>(slot_count) * kControlBytes);
  reader->msgs.resize(slot_count);
  reader->iovs.resize(slot_count);
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  int status = uv_poll_init(loop, &reader->poll, fd_);
  if (status < 0) {
    delete reader;
    ThrowErrno(env, "receive", -status);
    return env.Undefined();
  }
  reader->poll.data = reader;
  reader_ = reader;
  // While reading, the JS object must stay alive: libuv holds a pointer into it.
  self_ = Napi::Persistent(Value());
  async_context_ = new Napi::AsyncContext(env, "PacketSocket");
  status = uv_poll_start(&reader->poll, UV_READABLE, OnReadable);
  if (status < 0) {
    ThrowErrno(env, "receive", -status);
    return env.Undefined();
  }
  reader->polling = true;
  return env.Undefined();
}

Napi::Value Socket::Pause(const Napi::CallbackInfo& info) {
  if (!closed_ && reader_ != nullptr && reader_->polling) {
    uv_poll_stop(&reader_->poll);
    reader_->polling = false;
  }
  return info.Env().Undefined();
}

Napi::Value Socket::Resume(const Napi::CallbackInfo& info) {
  if (!closed_ && reader_ != nullptr && !reader_->polling) {
    int status = uv_poll_start(&reader_->poll, UV_READABLE, OnReadable);
    if (status < 0) ThrowErrno(info.Env(), "receive", -status);
    else reader_->polling = true;
  }
  return info.Env().Undefined();
}

// close(onClosed?) -> true when onClosed will be called later (the poll handle must be closed
// through libuv first), false when the socket was closed synchronously or already closed.
Napi::Value Socket::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return Napi::Boolean::New(env, false);
  closed_ = true;
  if (reader_ == nullptr) {
    ReleaseFd(fd_);
    return Napi::Boolean::New(env, false);
  }
  if (info.Length() > 0 && info[0].IsFunction()) on_closed_ = Napi::Persistent(info[0].As<Napi::Function>());
  uv_poll_stop(&reader_->poll);
  reader_->polling = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&reader_->poll), OnClosed);
  return Napi::Boolean::New(env, true);
}

void Socket::OnReadable(uv_poll_t* handle, int status, int /*events*/) {
  auto* reader = static_cast<Reader*>(handle->data);
  Socket* socket = reader->owner;
  if (socket == nullptr || socket->closed_) return;
  socket->DeliverBatch(status);
}

void Socket::OnClosed(uv_handle_t* handle) {
  auto* reader = static_cast<Reader*>(handle->data);
  ReleaseFd(reader->fd);
  Socket* socket = reader->owner;
  delete reader;
  if (socket == nullptr) return;
  socket->reader_ = nullptr;
  Napi::Env env = socket->Env();
  Napi::HandleScope scope(env);
  socket->on_batch_.Reset();
  if (!socket->on_closed_.IsEmpty()) {
    Napi::FunctionReference callback = std::move(socket->on_closed_);
    callback.MakeCallback(env.Global(), {}, *socket->async_context_);
    if (env.IsExceptionPending()) napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  }
  socket->self_.Reset();
}

void Socket::DeliverBatch(int status) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Reader* r = reader_;
  auto call = [&](std::initializer_list<napi_value> args) {
    on_batch_.MakeCallback(Value(), args, *async_context_);
    if (env.IsExceptionPending()) napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  };
  if (status < 0) {
    // libuv reports POLLERR as UV_EBADF and stops the handle. For a socket that usually means a
    // pending socket error (ENETDOWN when the interface went down): fetch (and clear) the real
    // one, and poll again so reading resumes when the interface comes back. TypeScript pauses
    // the socket if it decides the error is fatal.
    int err = -status;
    if (status == UV_EBADF) {
      int pending = 0;
      socklen_t length = sizeof(pending);
      if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 && pending != 0) err = pending;
    }
    if (r->polling && uv_poll_start(&r->poll, UV_READABLE, OnReadable) < 0) r->polling = false;
    call({ErrnoError(env, "receive", err)});
    return;
  }
  const uint32_t payload_bytes = r->slot_bytes - kVlanHeadroom;
  for (uint32_t i = 0; i < r->slot_count; i++) {
    r->iovs[i] = {r->storage.get() + static_cast<size_t>(i) * r->slot_bytes + kVlanHeadroom, payload_bytes};
    struct msghdr& hdr = r->msgs[i].msg_hdr;
    std::memset(&hdr, 0, sizeof(hdr));
    hdr.msg_iov = &r->iovs[i];
    hdr.msg_iovlen = 1;
    hdr.msg_control = r->control.data() + static_cast<size_t>(i) * kControlBytes;
    hdr.msg_controllen = kControlBytes;
  }
  int n;
  do {
    n = recvmmsg(r->fd, r->msgs.data(), r->slot_count, MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) call({ErrnoError(env, "receive", errno)});
    return;
  }
  if (n == 0) return;

  // Work out each frame's VLAN tag (if the kernel took it out) and the total size.
  std::vector<uint32_t> tags(static_cast<size_t>(n), 0);  // tpid << 16 | tci, 0 = none
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    struct msghdr& hdr = r->msgs[i].msg_hdr;
    uint32_t length = std::min<uint32_t>(r->msgs[i].msg_len, payload_bytes);
    for (struct cmsghdr* cmsg = CMSG_FIRSTHDR(&hdr); cmsg != nullptr; cmsg = CMSG_NXTHDR(&hdr, cmsg)) {
      if (cmsg->cmsg_level != SOL_PACKET || cmsg->cmsg_type != PACKET_AUXDATA) continue;
      struct tpacket_auxdata aux;
      std::memcpy(&aux, CMSG_DATA(cmsg), sizeof(aux));
      if ((aux.tp_status & TP_STATUS_VLAN_VALID) != 0 && length >= 12) {
        uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? aux.tp_vlan_tpid : ETH_P_8021Q;
        tags[i] = (static_cast<uint32_t>(tpid) << 16) | aux.tp_vlan_tci;
      }
    }
    total += length + (tags[i] != 0 ? 4 : 0);
  }
  Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::New(env, total);
  Napi::Uint32Array lengths = Napi::Uint32Array::New(env, static_cast<size_t>(n));
  uint8_t* out = data.Data();
  for (int i = 0; i < n; i++) {
    const uint8_t* frame = static_cast<const uint8_t*>(r->iovs[i].iov_base);
    uint32_t length = std::min<uint32_t>(r->msgs[i].msg_len, payload_bytes);
    if (tags[i] != 0) {
      // Destination and source MAC, then the 802.1Q tag, then the rest (IEEE 802.1Q, 9.3).
      std::memcpy(out, frame, 12);
      out[12] = static_cast<uint8_t>(tags[i] >> 24);
      out[13] = static_cast<uint8_t>(tags[i] >> 16);
      out[14] = static_cast<uint8_t>(tags[i] >> 8);
      out[15] = static_cast<uint8_t>(tags[i]);
      std::memcpy(out + 16, frame + 12, length - 12);
      out += length + 4;
      lengths[i] = length + 4;
    } else {
      std::memcpy(out, frame, length);
      out += length;
      lengths[i] = length;
    }
  }
  call({env.Null(), data, lengths});
}

}  // namespace packet_socket

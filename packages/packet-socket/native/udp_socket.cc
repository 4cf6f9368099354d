// UdpSocket: a non-blocking UDP socket driven by uv_poll. See packet_socket.h.
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "packet_socket.h"

namespace packet_socket {

// Datagrams handled per readable wake-up before yielding back to the loop.
constexpr int kMaxPerWakeup = 64;
// Largest datagram kept; BFD control packets are at most 255 bytes, anything longer is cut.
constexpr size_t kMaxDatagram = 2048;

Napi::Function UdpSocket::Init(Napi::Env env) {
  return DefineClass(env, "UdpSocket",
                     {
                         InstanceMethod<&UdpSocket::Bind>("bind"),
                         InstanceMethod<&UdpSocket::SetOption>("setOption"),
                         InstanceMethod<&UdpSocket::LocalAddress>("localAddress"),
                         InstanceAccessor<&UdpSocket::Fd>("fd"),
                         InstanceMethod<&UdpSocket::SendTo>("sendTo"),
                         InstanceMethod<&UdpSocket::StartReading>("startReading"),
                         InstanceMethod<&UdpSocket::Close>("close"),
                     });
}

// new UdpSocket(family, netnsPath?)
UdpSocket::UdpSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpSocket>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    ThrowType(env, "UdpSocket(family, netnsPath?) takes a number");
    return;
  }
  int family = info[0].As<Napi::Number>().Int32Value();
  const char* op = "open";
  fd_ = OpenSocket(info.Length() > 1 ? info[1] : env.Undefined(), family, SOCK_DGRAM, IPPROTO_UDP, &op);
  if (fd_ < 0) {
    closed_ = true;
    ThrowErrno(env, op, errno);
  }
}

UdpSocket::~UdpSocket() {
  if (reader_ != nullptr) {
    reader_->owner = nullptr;
    if (!closed_) {
      closed_ = true;
      uv_poll_stop(&reader_->poll);
      uv_close(reinterpret_cast<uv_handle_t*>(&reader_->poll), OnClosed);
    }
  } else if (!closed_ && fd_ >= 0) {
    close(fd_);
  }
  delete async_context_;
}

// bind(sockaddrBytes)
Napi::Value UdpSocket::Bind(const Napi::CallbackInfo& info) {
  if (closed_) ThrowErrno(info.Env(), "bind", EBADF);
  else BindFd(info, fd_);
  return info.Env().Undefined();
}

// setOption(level, name, valueBytes)
Napi::Value UdpSocket::SetOption(const Napi::CallbackInfo& info) {
  if (closed_) ThrowErrno(info.Env(), "setOption", EBADF);
  else SetOptionFd(info, fd_);
  return info.Env().Undefined();
}

// fd: the descriptor, for a native thread that sends or reads on it (bfd_pacer.cc); -1 once closed.
Napi::Value UdpSocket::Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), closed_ ? -1 : fd_); }

// localAddress() -> sockaddr bytes (getsockname), e.g. to learn the port bind picked.
Napi::Value UdpSocket::LocalAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return ThrowErrno(env, "bind", EBADF), env.Undefined();
  sockaddr_storage address = {};
  socklen_t length = sizeof(address);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) < 0) {
    return ThrowErrno(env, "bind", errno), env.Undefined();
  }
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&address), length);
}

// sendTo(data, sockaddrBytes) -> bytes sent; 0 when the socket buffer is full (EAGAIN).
Napi::Value UdpSocket::SendTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return ThrowErrno(env, "send", EBADF), env.Undefined();
  if (info.Length() < 2 || !IsBuffer(info[0]) || !IsBuffer(info[1])) {
    return ThrowType(env, "sendTo(data, sockaddr) takes two Buffers"), env.Undefined();
  }
  auto [data, length] = BytesOf(info[0]);
  auto [to, to_length] = BytesOf(info[1]);
  ssize_t sent;
  do {
    sent = sendto(fd_, data, length, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(to), static_cast<socklen_t>(to_length));
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Napi::Number::New(env, 0);
    return ThrowErrno(env, "send", errno), env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

// startReading(onMessage(error, data, fromSockaddr, ttl, ifindex)): one call per datagram, on the
// loop thread. ttl is the received IP TTL / IPv6 hop limit, or -1 when the kernel gave none;
// ifindex is the arrival interface from IP_PKTINFO / IPV6_PKTINFO, or 0.
Napi::Value UdpSocket::StartReading(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return ThrowErrno(env, "receive", EBADF), env.Undefined();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    return ThrowType(env, "startReading(onMessage) takes a function"), env.Undefined();
  }
  on_message_ = Napi::Persistent(info[0].As<Napi::Function>());
  if (reader_ != nullptr) return env.Undefined();
  auto* reader = new UdpReader();
  reader->fd = fd_;
  reader->owner = this;
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  int status = uv_poll_init(loop, &reader->poll, fd_);
  if (status < 0) {
    delete reader;
    return ThrowErrno(env, "receive", -status), env.Undefined();
  }
  reader->poll.data = reader;
  reader_ = reader;
  self_ = Napi::Persistent(Value());
  async_context_ = new Napi::AsyncContext(env, "UdpSocket");
  status = uv_poll_start(&reader->poll, UV_READABLE, OnReadable);
  if (status < 0) ThrowErrno(env, "receive", -status);
  return env.Undefined();
}

// close() -> undefined; the fd is released once libuv let go of the poll handle.
Napi::Value UdpSocket::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return env.Undefined();
  closed_ = true;
  if (reader_ == nullptr) {
    close(fd_);
    return env.Undefined();
  }
  uv_poll_stop(&reader_->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&reader_->poll), OnClosed);
  return env.Undefined();
}

void UdpSocket::OnReadable(uv_poll_t* handle, int status, int /*events*/) {
  auto* reader = static_cast<UdpReader*>(handle->data);
  if (reader->owner == nullptr || reader->owner->closed_) return;
  reader->owner->Drain(status);
}

void UdpSocket::OnClosed(uv_handle_t* handle) {
  auto* reader = static_cast<UdpReader*>(handle->data);
  close(reader->fd);
  UdpSocket* socket = reader->owner;
  delete reader;
  if (socket == nullptr) return;
  socket->reader_ = nullptr;
  socket->on_message_.Reset();
  socket->self_.Reset();
}

void UdpSocket::Drain(int status) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  auto call = [&](std::initializer_list<napi_value> args) {
    on_message_.MakeCallback(Value(), args, *async_context_);
    if (env.IsExceptionPending()) napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  };
  if (status < 0) {
    call({ErrnoError(env, "receive", -status)});
    return;
  }
  uint8_t data[kMaxDatagram];
  alignas(cmsghdr) uint8_t control[256];
  for (int i = 0; i < kMaxPerWakeup && !closed_; i++) {
    sockaddr_storage from = {};
    iovec iov = {data, sizeof(data)};
    msghdr hdr = {};
    hdr.msg_name = &from;
    hdr.msg_namelen = sizeof(from);
    hdr.msg_iov = &iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control;
    hdr.msg_controllen = sizeof(control);
    ssize_t n;
    do {
      n = recvmsg(fd_, &hdr, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) call({ErrnoError(env, "receive", errno)});
      return;
    }
    int ttl = -1;
    uint32_t ifindex = 0;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&hdr); cmsg != nullptr; cmsg = CMSG_NXTHDR(&hdr, cmsg)) {
      if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) {
        std::memcpy(&ttl, CMSG_DATA(cmsg), sizeof(int));
      } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT) {
        std::memcpy(&ttl, CMSG_DATA(cmsg), sizeof(int));
      } else if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
        in_pktinfo pktinfo;
        std::memcpy(&pktinfo, CMSG_DATA(cmsg), sizeof(pktinfo));
        ifindex = static_cast<uint32_t>(pktinfo.ipi_ifindex);
      } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo pktinfo;
        std::memcpy(&pktinfo, CMSG_DATA(cmsg), sizeof(pktinfo));
        ifindex = pktinfo.ipi6_ifindex;
      }
    }
    size_t length = std::min(static_cast<size_t>(n), sizeof(data));
    call({env.Null(), Napi::Buffer<uint8_t>::Copy(env, data, length),
          Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&from), hdr.msg_namelen),
          Napi::Number::New(env, ttl), Napi::Number::New(env, ifindex)});
  }
}

}  // namespace packet_socket

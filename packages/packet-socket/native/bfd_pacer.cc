// BfdPacer: a native thread that keeps BFD sessions' timing out of JavaScript (RFC 5880 §6.8.4,
// §6.8.7). It transmits each session's current periodic control packet on schedule with jitter,
// reads the BFD receive sockets, checks TTL, source and the session-independent packet rules,
// demultiplexes by Your Discriminator, restarts that session's detection timer, and tells
// JavaScript of every datagram (with its receive time) and of every detection expiry through a
// thread-safe function. JavaScript (the state machine) stays the authority on state: it decides
// what the packet says, the interval and the detection time, and replaces them on every change.
// A garbage collection or a busy loop in JavaScript therefore delays neither our packets nor the
// moment a dead peer is noticed, only what JavaScript does about it.
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bfd_schedule.h"
#include "packet_socket.h"
#include "thread_loop.h"

namespace packet_socket {

namespace {

constexpr uint64_t kWakeId = ~0ull;
constexpr uint64_t kTimerId = ~0ull - 1;
constexpr int kMaxPerWakeup = 64;

enum EventKind : int { kDatagram = 0, kExpired = 1, kReceiveError = 2 };

struct PacerEvent {
  explicit PacerEvent(EventKind k) : kind(k) {}
  EventKind kind;
  uint32_t discriminator = 0;
  uint64_t at_us = 0;
  std::vector<uint8_t> data;
  sockaddr_storage from = {};
  socklen_t from_length = 0;
  int ttl = -1;
  bool multihop = false;
  int error = 0;
};

struct ReceiveSocket {
  int fd;
  bool multihop;
};

struct Session {
  int send_fd = -1;
  sockaddr_storage to = {};
  socklen_t to_length = 0;
  sockaddr_storage peer = {};
  bool multihop = false;
  int minimum_ttl = 255;
  std::vector<uint8_t> packet;
  uint64_t interval_us = 0;
  int multiplier = 3;
  uint64_t detection_us = 0;
  uint64_t last_tx_us = 0;
  uint64_t next_tx_us = 0;
  uint64_t last_rx_us = 0;
  bool expired = false;
  uint64_t expired_at_us = 0;
};

bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

void CopySockaddr(const Napi::Value& value, sockaddr_storage* out, socklen_t* length) {
  auto [bytes, size] = BytesOf(value);
  size = std::min(size, sizeof(sockaddr_storage));
  std::memcpy(out, bytes, size);
  if (length != nullptr) *length = static_cast<socklen_t>(size);
}

class BfdPacer : public Napi::ObjectWrap<BfdPacer> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "BfdPacer",
                       {
                           InstanceMethod<&BfdPacer::RealtimeErrno>("realtimeErrno"),
                           InstanceMethod<&BfdPacer::AddSocket>("addSocket"),
                           InstanceMethod<&BfdPacer::RemoveSocket>("removeSocket"),
                           InstanceMethod<&BfdPacer::SetSession>("setSession"),
                           InstanceMethod<&BfdPacer::Schedule>("schedule"),
                           InstanceMethod<&BfdPacer::SendNow>("sendNow"),
                           InstanceMethod<&BfdPacer::RemoveSession>("removeSession"),
                           InstanceMethod<&BfdPacer::Stats>("stats"),
                           InstanceMethod<&BfdPacer::Feed>("feed"),
                           InstanceMethod<&BfdPacer::Close>("close"),
                       });
  }

  // new BfdPacer(onEvent(kind, ...), realtimePriority, watchdogUs)
  explicit BfdPacer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BfdPacer>(info), random_(std::random_device{}()) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsFunction() || !info[1].IsNumber() || !info[2].IsNumber()) {
      ThrowType(env, "BfdPacer(onEvent, realtimePriority, watchdogUs) takes a function and two numbers");
      return;
    }
    watchdog_us_ = static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue());
    last_feed_us_ = MonotonicUs();
    if (!fds_.Open(kWakeId, kTimerId)) {
      ThrowErrno(env, "pacer", errno);
      return;
    }
    events_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "BfdPacer", 0, 1);
    cleanup_.Register(env, [](void* self) { static_cast<BfdPacer*>(self)->Stop(); }, this);
    int priority = info[1].As<Napi::Number>().Int32Value();
    std::unique_lock<std::mutex> lock(mutex_);
    thread_ = std::thread([this, priority] { Run(priority); });
    started_.wait(lock, [this] { return thread_ready_; });
  }

  ~BfdPacer() override { Stop(); }

 private:
  // Ends the thread (the sockets stay open: they belong to JavaScript) and releases the callback.
  void Stop() {
    if (stopped_) return;
    stopped_ = true;
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
      }
      fds_.Wake();
      thread_.join();
      events_.Release();
    }
    fds_.Close();
  }

  // realtimeErrno() -> 0 when SCHED_FIFO was applied, -1 when not asked for, else the errno.
  Napi::Value RealtimeErrno(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), realtime_errno_); }

  bool Usable(const Napi::CallbackInfo& info, size_t numbers, const char* usage) {
    if (stopped_) {
      ThrowErrno(info.Env(), "pacer", EBADF);
      return false;
    }
    for (size_t i = 0; i < numbers; i++) {
      if (info.Length() <= i || !info[i].IsNumber()) {
        ThrowType(info.Env(), usage);
        return false;
      }
    }
    return true;
  }

  static uint32_t U32(const Napi::Value& value) { return value.As<Napi::Number>().Uint32Value(); }

  // addSocket(id, fd, multihop): a receive socket (3784 or 4784) this thread reads from now on.
  Napi::Value AddSocket(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info, 2, "addSocket(id, fd, multihop) takes two numbers and a boolean")) return env.Undefined();
    uint32_t id = U32(info[0]);
    int fd = info[1].As<Napi::Number>().Int32Value();
    std::lock_guard<std::mutex> lock(mutex_);
    if (!fds_.Watch(fd, id)) return ThrowErrno(env, "pacer", errno), env.Undefined();
    sockets_[id] = ReceiveSocket{fd, info.Length() > 2 && info[2].ToBoolean().Value()};
    return env.Undefined();
  }

  // removeSocket(id): once this returns the thread no longer touches the fd (it may be closed).
  Napi::Value RemoveSocket(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info, 1, "removeSocket(id) takes a number")) return env.Undefined();
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sockets_.find(U32(info[0]));
    if (found != sockets_.end()) {
      fds_.Unwatch(found->second.fd);
      sockets_.erase(found);
    }
    return env.Undefined();
  }

  // setSession(discriminator, sendFd, toSockaddr, peerSockaddr, multihop, minimumTtl)
  Napi::Value SetSession(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const char* usage = "setSession(discriminator, sendFd, to, peer, multihop, minimumTtl)";
    if (!Usable(info, 2, usage)) return env.Undefined();
    if (info.Length() < 6 || !IsBuffer(info[2]) || !IsBuffer(info[3]) || !info[5].IsNumber()) {
      return ThrowType(env, usage), env.Undefined();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    Session& session = sessions_[U32(info[0])];
    session.send_fd = info[1].As<Napi::Number>().Int32Value();
    CopySockaddr(info[2], &session.to, &session.to_length);
    CopySockaddr(info[3], &session.peer, nullptr);
    session.multihop = info[4].ToBoolean().Value();
    session.minimum_ttl = info[5].As<Napi::Number>().Int32Value();
    return env.Undefined();
  }

  // schedule(discriminator, periodicPacket, intervalUs, detectMultiplier, detectionUs): what to send
  // periodically (interval 0: nothing) and the detection time (0: disarmed), as the state machine
  // says now.
  Napi::Value Schedule(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const char* usage = "schedule(discriminator, packet, intervalUs, detectMultiplier, detectionUs)";
    if (!Usable(info, 1, usage)) return env.Undefined();
    if (info.Length() < 5 || !IsBuffer(info[1]) || !info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsNumber()) {
      return ThrowType(env, usage), env.Undefined();
    }
    auto [bytes, length] = BytesOf(info[1]);
    uint64_t interval = static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue());
    uint64_t detection = static_cast<uint64_t>(info[4].As<Napi::Number>().DoubleValue());
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sessions_.find(U32(info[0]));
    if (found == sessions_.end()) return env.Undefined();
    Session& s = found->second;
    uint64_t now = MonotonicUs();
    s.packet.assign(bytes, bytes + length);
    s.multiplier = info[3].As<Napi::Number>().Int32Value();
    if (interval != s.interval_us) {
      s.interval_us = interval;
      s.next_tx_us = interval == 0 ? 0 : bfd::NextTransmitUs(now, s.last_tx_us, Jittered(s));
    }
    if (detection != 0 && s.last_rx_us == 0) s.last_rx_us = now;
    s.detection_us = detection;
    // A longer detection time (the peer slowed down) re-arms a timer that already fired.
    if (s.expired && bfd::DetectionDeadlineUs(s.last_rx_us, detection) > s.expired_at_us) s.expired = false;
    ArmTimer();
    return env.Undefined();
  }

  // sendNow(discriminator, packet) -> sent: an immediate packet (a Final, a state change); the
  // periodic schedule restarts from now (§6.8.7).
  Napi::Value SendNow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info, 1, "sendNow(discriminator, packet)")) return env.Undefined();
    if (info.Length() < 2 || !IsBuffer(info[1])) return ThrowType(env, "sendNow(discriminator, packet)"), env.Undefined();
    auto [bytes, length] = BytesOf(info[1]);
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sessions_.find(U32(info[0]));
    if (found == sessions_.end()) return Napi::Boolean::New(env, false);
    Session& s = found->second;
    bool sent = Transmit(s, bytes, length, MonotonicUs());
    ArmTimer();
    return Napi::Boolean::New(env, sent);
  }

  Napi::Value RemoveSession(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info, 1, "removeSession(discriminator) takes a number")) return env.Undefined();
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(U32(info[0]));
    ArmTimer();
    return env.Undefined();
  }

  // stats() -> { sent, sendFailures, maxLateUs, lateOver10ms, starved }: periodic packets (the
  // immediate ones are the caller's to count), how late the thread woke for one (the machine's
  // scheduling, not ours), and how many the watchdog held back.
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::lock_guard<std::mutex> lock(mutex_);
    Napi::Object out = Napi::Object::New(env);
    out.Set("sent", Napi::Number::New(env, static_cast<double>(sent_)));
    out.Set("sendFailures", Napi::Number::New(env, static_cast<double>(send_failures_)));
    out.Set("maxLateUs", Napi::Number::New(env, static_cast<double>(max_late_us_)));
    out.Set("lateOver10ms", Napi::Number::New(env, static_cast<double>(late_over_10ms_)));
    out.Set("starved", Napi::Number::New(env, static_cast<double>(starved_)));
    return out;
  }

  // feed(): JavaScript is alive. Without it for watchdogUs the thread stops its periodic packets
  // (a wedged state machine must look dead to the peer, as it would without a pacer), and
  // resumes on the next feed.
  Napi::Value Feed(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_feed_us_ = MonotonicUs();
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Stop();
    return info.Env().Undefined();
  }

  uint64_t Jittered(const Session& s) {
    return bfd::JitteredIntervalUs(s.interval_us, s.multiplier, uniform_(random_));
  }

  bool Transmit(Session& s, const uint8_t* bytes, size_t length, uint64_t now) {
    ssize_t n;
    do {
      n = sendto(s.send_fd, bytes, length, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&s.to), s.to_length);
    } while (n < 0 && errno == EINTR);
    // A failed send (no route, buffer full) still counts as the schedule's turn: the detection
    // timers, not the sender, decide what a dead path means.
    s.last_tx_us = now;
    if (s.interval_us != 0) s.next_tx_us = now + Jittered(s);
    return n >= 0;
  }

  // The earliest periodic packet or detection deadline; the timerfd fires then (absolute time).
  void ArmTimer() {
    uint64_t earliest = 0;
    auto consider = [&](uint64_t at) {
      if (at != 0 && (earliest == 0 || at < earliest)) earliest = at;
    };
    for (auto& [id, s] : sessions_) {
      if (s.interval_us != 0) consider(s.next_tx_us);
      if (!s.expired) consider(bfd::DetectionDeadlineUs(s.last_rx_us, s.detection_us));
    }
    fds_.ArmAt(earliest);
  }

  void Run(int priority) {
    NameThisThread("bmlb-bfd-pacer");
    int result = -1;
    if (priority > 0) {
      sched_param param = {};
      param.sched_priority = priority;
      // Linux applies this to the calling thread only; children do not inherit it.
      result = sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0 ? 0 : errno;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      realtime_errno_ = result;
      thread_ready_ = true;
    }
    started_.notify_all();
    epoll_event ready[16];
    std::vector<PacerEvent*> out;
    for (;;) {
      int n = fds_.Wait(ready, 16, -1);
      if (n < 0 && errno != EINTR) break;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) break;
        for (int i = 0; i < n; i++) {
          uint64_t id = ready[i].data.u64;
          if (fds_.Consume(id)) continue;
          auto found = sockets_.find(static_cast<uint32_t>(id));
          if (found != sockets_.end()) Drain(found->second, out);
        }
        RunDue(MonotonicUs(), out);
        ArmTimer();
      }
      for (PacerEvent* event : out) {
        if (events_.NonBlockingCall(event, &BfdPacer::Deliver) != napi_ok) delete event;
      }
      out.clear();
    }
  }

  void RunDue(uint64_t now, std::vector<PacerEvent*>& out) {
    const bool starving = watchdog_us_ != 0 && now - last_feed_us_ > watchdog_us_;
    for (auto& [discriminator, s] : sessions_) {
      if (s.interval_us != 0 && s.next_tx_us != 0 && now >= s.next_tx_us) {
        uint64_t late = now - s.next_tx_us;
        max_late_us_ = std::max(max_late_us_, late);
        if (late > 10000) late_over_10ms_++;
        if (starving) {
          starved_++;
          s.next_tx_us = now + Jittered(s);
        } else if (!s.packet.empty()) {
          if (Transmit(s, s.packet.data(), s.packet.size(), now)) sent_++;
          else send_failures_++;
        }
      }
      uint64_t deadline = bfd::DetectionDeadlineUs(s.last_rx_us, s.detection_us);
      if (!s.expired && deadline != 0 && now >= deadline) {
        s.expired = true;
        s.expired_at_us = deadline;
        auto* event = new PacerEvent(kExpired);
        event->discriminator = discriminator;
        event->at_us = deadline;
        out.push_back(event);
      }
    }
  }

  // Reads what is queued on one receive socket; every datagram goes to JavaScript, and one that
  // passes the checks restarts its session's detection timer here and now.
  void Drain(const ReceiveSocket& socket, std::vector<PacerEvent*>& out) {
    uint8_t data[2048];
    alignas(cmsghdr) uint8_t control[256];
    for (int i = 0; i < kMaxPerWakeup; i++) {
      auto* event = new PacerEvent(kDatagram);
      iovec iov = {data, sizeof(data)};
      msghdr hdr = {};
      hdr.msg_name = &event->from;
      hdr.msg_namelen = sizeof(event->from);
      hdr.msg_iov = &iov;
      hdr.msg_iovlen = 1;
      hdr.msg_control = control;
      hdr.msg_controllen = sizeof(control);
      ssize_t n;
      do {
        n = recvmsg(socket.fd, &hdr, MSG_DONTWAIT);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          delete event;
        } else {
          event->kind = kReceiveError;
          event->error = errno;
          out.push_back(event);
        }
        return;
      }
      event->at_us = MonotonicUs();
      event->from_length = hdr.msg_namelen;
      event->multihop = socket.multihop;
      for (cmsghdr* cmsg = CMSG_FIRSTHDR(&hdr); cmsg != nullptr; cmsg = CMSG_NXTHDR(&hdr, cmsg)) {
        if ((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) ||
            (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT)) {
          std::memcpy(&event->ttl, CMSG_DATA(cmsg), sizeof(int));
        }
      }
      size_t length = std::min(static_cast<size_t>(n), sizeof(data));
      event->data.assign(data, data + length);
      Session* session = Match(*event);
      if (session != nullptr) {
        session->last_rx_us = event->at_us;
        session->expired = false;
      }
      out.push_back(event);
    }
  }

  // §6.8.6 steps 1-9 as far as they need no session state, plus GTSM (RFC 5881 §5 / 5883 §2).
  Session* Match(const PacerEvent& event) {
    const uint8_t* p = event.data.data();
    if (bfd::CheckControlPacket(p, event.data.size()) != bfd::kPacketOk) return nullptr;
    // Authenticated sessions are never paced (their packets are signed per packet in JS).
    if ((p[1] & 0x04) != 0) return nullptr;
    uint32_t your = bfd::ReadU32(p + 8);
    Session* session = nullptr;
    if (your != 0) {
      auto found = sessions_.find(your);
      if (found != sessions_.end()) session = &found->second;
    } else {
      for (auto& [id, s] : sessions_) {
        if (s.multihop == event.multihop && SameAddress(s.peer, event.from)) session = &s;
      }
    }
    if (session == nullptr || session->multihop != event.multihop || !SameAddress(session->peer, event.from)) {
      return nullptr;
    }
    return event.ttl >= session->minimum_ttl ? session : nullptr;
  }

  // On the JavaScript thread: (0, data, fromSockaddr, ttl, multihop, atUs) for a datagram,
  // (1, discriminator, atUs) for a detection expiry, (2, errno) for a receive error. Plain N-API
  // calls with their status checked (see CallFromThread in thread_loop.h).
  static void Deliver(Napi::Env env, Napi::Function callback, PacerEvent* raw) {
    std::unique_ptr<PacerEvent> event(raw);
    if (env == nullptr || callback.IsEmpty()) return;
    napi_env e = env;
    napi_handle_scope scope;
    if (napi_open_handle_scope(e, &scope) != napi_ok) return;
    napi_value argv[6];
    size_t argc = 0;
    bool ok = true;
    auto number = [&](double value) { ok = ok && napi_create_double(e, value, &argv[argc++]) == napi_ok; };
    auto bytes = [&](const void* data, size_t length) {
      ok = ok && napi_create_buffer_copy(e, length, data, nullptr, &argv[argc++]) == napi_ok;
    };
    number(event->kind);
    if (event->kind == kDatagram) {
      bytes(event->data.data(), event->data.size());
      bytes(&event->from, event->from_length);
      number(event->ttl);
      ok = ok && napi_get_boolean(e, event->multihop, &argv[argc++]) == napi_ok;
      number(static_cast<double>(event->at_us));
    } else if (event->kind == kExpired) {
      number(event->discriminator);
      number(static_cast<double>(event->at_us));
    } else {
      argv[argc++] = ErrnoError(env, "receive", event->error);
    }
    if (ok) CallFromThread(e, callback, argc, argv);
    napi_close_handle_scope(e, scope);
  }

  std::mutex mutex_;
  std::condition_variable started_;
  bool thread_ready_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  int realtime_errno_ = -1;
  LoopFds fds_;
  EnvCleanupHook cleanup_;
  std::thread thread_;
  Napi::ThreadSafeFunction events_;
  std::unordered_map<uint32_t, ReceiveSocket> sockets_;
  std::unordered_map<uint32_t, Session> sessions_;
  std::mt19937_64 random_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  uint64_t sent_ = 0;
  uint64_t send_failures_ = 0;
  uint64_t max_late_us_ = 0;
  uint64_t late_over_10ms_ = 0;
  uint64_t starved_ = 0;
  uint64_t watchdog_us_ = 0;
  uint64_t last_feed_us_ = 0;
};

Napi::Value MonotonicTimeUs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(MonotonicUs()));
}

// bfdSchedule: the pure functions of bfd_schedule.h, for unit tests.
Napi::Object ScheduleFunctions(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  auto number = [](const Napi::CallbackInfo& info, size_t i) {
    return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : 0.0;
  };
  out.Set("jitteredIntervalUs", Napi::Function::New(env, [number](const Napi::CallbackInfo& info) {
            return Napi::Number::New(info.Env(), static_cast<double>(bfd::JitteredIntervalUs(
                                                     static_cast<uint64_t>(number(info, 0)),
                                                     static_cast<int>(number(info, 1)), number(info, 2))));
          }));
  out.Set("nextTransmitUs", Napi::Function::New(env, [number](const Napi::CallbackInfo& info) {
            return Napi::Number::New(info.Env(), static_cast<double>(bfd::NextTransmitUs(
                                                     static_cast<uint64_t>(number(info, 0)),
                                                     static_cast<uint64_t>(number(info, 1)),
                                                     static_cast<uint64_t>(number(info, 2)))));
          }));
  out.Set("detectionDeadlineUs", Napi::Function::New(env, [number](const Napi::CallbackInfo& info) {
            return Napi::Number::New(info.Env(), static_cast<double>(bfd::DetectionDeadlineUs(
                                                     static_cast<uint64_t>(number(info, 0)),
                                                     static_cast<uint64_t>(number(info, 1)))));
          }));
  out.Set("checkControlPacket", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
            if (info.Length() < 1 || !IsBuffer(info[0])) return ThrowType(info.Env(), "checkControlPacket(data)"), info.Env().Undefined();
            auto [bytes, length] = BytesOf(info[0]);
            return Napi::Number::New(info.Env(), bfd::CheckControlPacket(bytes, length)).As<Napi::Value>();
          }));
  return out;
}

}  // namespace

void InitBfdPacer(Napi::Env env, Napi::Object exports) {
  exports.Set("BfdPacer", BfdPacer::Init(env));
  exports.Set("monotonicTimeUs", Napi::Function::New(env, MonotonicTimeUs));
  exports.Set("bfdSchedule", ScheduleFunctions(env));
}

}  // namespace packet_socket

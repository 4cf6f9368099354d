// NeighborResponder: a native thread that answers ARP requests (RFC 826) and IPv6 Neighbor
// Solicitations (RFC 4861 §7.2.4) for the addresses JavaScript announces, on packet sockets that
// JavaScript opened and configured (bind, BPF filter, multicast groups). A JavaScript responder on
// its own V8 isolate costs the process about 18 MiB; this thread costs its buffers.
//
// The thread settles only the plain cases: an untagged, well-formed request for an announced
// address, from another host, that names no announced address as its sender. Every other ARP or
// NDP frame that passes the per-source rate limit goes to JavaScript, which judges it exactly as
// before (replies and announcements that claim our addresses: conflicts and hand-overs; tagged
// frames; duplicate address detection; anything malformed). JavaScript stays the authority for
// what is announced; this thread only answers for it.
//
// Under SCHED_FIFO the thread runs the moment a frame wakes it. It watches its own CPU time over
// windows while frames arrive and drops to the normal class for a cooldown when it was busier than
// its budget, so a request storm cannot take a CPU from the kubelet (the budget sleeps while idle).
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "packet_socket.h"
#include "thread_loop.h"

namespace packet_socket {

namespace {

constexpr uint64_t kWakeId = 1;
constexpr uint64_t kTimerId = 2;
// Port ids start here, so they never collide with the two above.
constexpr uint64_t kFirstPortId = 16;
constexpr unsigned kBatchFrames = 64;
constexpr size_t kControlBytes = CMSG_SPACE(sizeof(tpacket_auxdata));
// An idle thread still wakes this often, so that JavaScript sees it alive (its heartbeat).
constexpr int kBeatMs = 1000;
// Frames handed up and not yet taken by JavaScript beyond which more are dropped: a flood of
// forged claims must not queue without bound while the main thread is busy.
constexpr int64_t kMaxHandedUp = 8192;

constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherServiceVlan = 0x88a8;
// classify-frame.ts looks through at most this many tags.
constexpr int kMaxVlanTags = 2;
constexpr size_t kEthernet = 14;
constexpr size_t kArp = 28;
constexpr size_t kIpv6 = 40;
constexpr uint8_t kIcmpv6 = 58;
constexpr uint8_t kNeighborSolicitation = 135;
constexpr uint8_t kNeighborAdvertisement = 136;
constexpr size_t kNdpFixed = 24;
// ARP reply: 42 bytes padded to the 60-byte Ethernet minimum. NA: 14 + 40 + 24 + 8 (TLLA option).
constexpr size_t kArpReplyBytes = 60;
constexpr size_t kNaBytes = kEthernet + kIpv6 + kNdpFixed + 8;

// The outcomes of frame-outcome.ts this thread can reach (the others are JavaScript's to count).
enum Outcome : int {
  kReplied = 0,
  kNotOurIp,
  kNotRequest,
  kWrongDestination,
  kRateLimited,
  kIgnored,
  kSendFailed,
  kOutcomeCount,
};
const char* const kOutcomeNames[kOutcomeCount] = {"replied", "notOurIp", "notRequest", "wrongDestination",
                                                   "rateLimited", "ignored", "sendFailed"};
enum Protocol : int { kArpProtocol = 0, kNdpProtocol = 1 };
const char* const kProtocolNames[2] = {"arp", "ndp"};

enum EventKind : int { kFrames = 0, kPriority = 1, kReceiveError = 2 };

struct Event {
  explicit Event(EventKind k) : kind(k) {}
  // Handed to JavaScript (or dropped on the way): no longer in flight.
  ~Event() {
    if (handed_up) handed_up->fetch_sub(static_cast<int64_t>(lengths.size()));
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  EventKind kind;
  uint64_t port = 0;
  std::shared_ptr<std::atomic<int64_t>> handed_up;  // kFrames: the responder's count of frames in flight
  std::vector<uint8_t> data;       // kFrames: the frames back to back
  std::vector<uint32_t> lengths;   // kFrames
  bool realtime = false;           // kPriority
  double busy_share = 0;           // kPriority
  std::string error;               // kPriority (empty: none)
  int errno_value = 0;             // kReceiveError
};

// Requests and responses counted for one announced address since JavaScript last took them.
struct Tally {
  std::string label;
  uint64_t requests = 0;
  uint64_t responses = 0;
};

using Ipv6Key = std::array<uint8_t, 16>;

struct Port {
  int fd = -1;
  uint8_t mac[6] = {};
  uint32_t slot_bytes = 0;
  bool paused = false;
  std::unordered_map<uint32_t, Tally> ipv4;  // address bytes as a big-endian integer
  std::map<Ipv6Key, Tally> ipv6;
  // Left uninitialised (see Reader::storage in packet_socket.h): only pages frames land in are touched.
  std::unique_ptr<uint8_t[]> storage;
  std::vector<uint8_t> control;
  std::vector<mmsghdr> msgs;
  std::vector<iovec> iovs;
  // Replies of one wake-up, sent together with one sendmmsg.
  std::vector<uint8_t> replies;
  std::vector<size_t> reply_lengths;
  std::vector<Tally*> reply_tallies;
  std::vector<int> reply_protocols;
};

uint16_t ReadU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t ReadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint64_t MacKey(const uint8_t* p) {
  uint64_t key = 0;
  for (int i = 0; i < 6; i++) key = (key << 8) | p[i];
  return key;
}
bool IsBroadcast(const uint8_t* mac) {
  for (int i = 0; i < 6; i++)
    if (mac[i] != 0xff) return false;
  return true;
}
Ipv6Key Ipv6Of(const uint8_t* p) {
  Ipv6Key key;
  std::memcpy(key.data(), p, 16);
  return key;
}

// Per-source token buckets, as source-rate-limiter.ts: when the table is full, the least recently
// refilled half is forgotten (those sources start again with a full bucket, the safe direction).
class RateLimiter {
 public:
  void Configure(double per_second, double burst, size_t max_sources) {
    per_second_ = per_second;
    burst_ = burst;
    max_sources_ = max_sources;
    unlimited_ = per_second <= 0;
    buckets_.clear();
  }

  bool Allow(uint64_t source, uint64_t now_us) {
    if (unlimited_) return true;
    auto found = buckets_.find(source);
    if (found == buckets_.end()) {
      if (buckets_.size() >= max_sources_) Evict();
      found = buckets_.emplace(source, Bucket{burst_, now_us}).first;
    } else {
      Bucket& b = found->second;
      uint64_t elapsed = now_us > b.at_us ? now_us - b.at_us : 0;
      b.tokens = std::min(burst_, b.tokens + static_cast<double>(elapsed) * per_second_ / 1e6);
      b.at_us = now_us;
    }
    Bucket& bucket = found->second;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    return false;
  }

 private:
  struct Bucket {
    double tokens;
    uint64_t at_us;
  };

  void Evict() {
    std::vector<uint64_t> times;
    times.reserve(buckets_.size());
    for (const auto& entry : buckets_) times.push_back(entry.second.at_us);
    size_t half = (times.size() + 1) / 2;
    if (half == 0) return;
    std::nth_element(times.begin(), times.begin() + (half - 1), times.end());
    uint64_t cutoff = times[half - 1];
    size_t removed = 0;
    for (auto it = buckets_.begin(); it != buckets_.end() && removed < half;) {
      if (it->second.at_us <= cutoff) {
        it = buckets_.erase(it);
        removed++;
      } else {
        ++it;
      }
    }
  }

  bool unlimited_ = true;
  double per_second_ = 0;
  double burst_ = 0;
  size_t max_sources_ = 0;
  std::unordered_map<uint64_t, Bucket> buckets_;
};

// RFC 4443 §2.3: the ICMPv6 checksum over the pseudo-header (source, destination, upper-layer
// length, next header) and the message, folded to 16 bits, not yet complemented.
uint32_t Icmpv6Sum(const uint8_t* ip, const uint8_t* icmp, size_t length) {
  uint32_t sum = 0;
  for (size_t i = 8; i < 40; i += 2) sum += ReadU16(ip + i);
  sum += static_cast<uint32_t>(length >> 16) + static_cast<uint32_t>(length & 0xffff);
  sum += kIcmpv6;
  for (size_t i = 0; i + 1 < length; i += 2) sum += ReadU16(icmp + i);
  if (length % 2 == 1) sum += static_cast<uint32_t>(icmp[length - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

double CpuMsOfThisThread() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// SCHED_FIFO at `priority` for the calling thread, or SCHED_OTHER for 0; "" or why not.
std::string SetOwnPriority(int priority) {
  sched_param param = {};
  param.sched_priority = priority;
  int policy = (priority > 0 ? SCHED_FIFO : SCHED_OTHER) | SCHED_RESET_ON_FORK;
  if (sched_setscheduler(0, policy, &param) == 0) return std::string();
  return std::string("sched_setscheduler: ") + std::strerror(errno);
}

class NeighborResponder : public Napi::ObjectWrap<NeighborResponder> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NeighborResponder",
                       {
                           InstanceMethod<&NeighborResponder::Attach>("attach"),
                           InstanceMethod<&NeighborResponder::Detach>("detach"),
                           InstanceMethod<&NeighborResponder::SetAnswered>("setAnswered"),
                           InstanceMethod<&NeighborResponder::SetPaused>("setPaused"),
                           InstanceMethod<&NeighborResponder::TakeCounts>("takeCounts"),
                           InstanceMethod<&NeighborResponder::Beats>("beats"),
                           InstanceMethod<&NeighborResponder::Close>("close"),
                           InstanceAccessor<&NeighborResponder::StartError>("startError"),
                       });
  }

  // new NeighborResponder(onEvent, [perSecond, burst, maxSources], [priority, maxBusyShare,
  // windowMs, cooldownMs]): perSecond 0 = no rate limit, priority 0 = normal scheduling.
  explicit NeighborResponder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NeighborResponder>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsFunction() || !info[1].IsArray() || !info[2].IsArray()) {
      ThrowType(env, "NeighborResponder(onEvent, rateLimit, budget) takes a function and two arrays");
      return;
    }
    auto number = [](const Napi::Array& a, uint32_t i) {
      Napi::Value v = a.Get(i);
      return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0.0;
    };
    Napi::Array limit = info[1].As<Napi::Array>();
    limiter_.Configure(number(limit, 0), number(limit, 1), static_cast<size_t>(number(limit, 2)));
    Napi::Array budget = info[2].As<Napi::Array>();
    priority_ = static_cast<int>(number(budget, 0));
    max_busy_share_ = number(budget, 1);
    window_us_ = static_cast<uint64_t>(number(budget, 2) * 1000);
    cooldown_us_ = static_cast<uint64_t>(number(budget, 3) * 1000);
    if (!fds_.Open(kWakeId, kTimerId)) {
      ThrowErrno(env, "neighbor responder", errno);
      return;
    }
    events_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "NeighborResponder", 0, 1);
    events_.Unref(env);
    cleanup_.Register(env, [](void* self) { static_cast<NeighborResponder*>(self)->Stop(); }, this);
    // The thread sets its own priority first; wait for that, so startError is known on return.
    std::unique_lock<std::mutex> lock(mutex_);
    thread_ = std::thread([this] { Run(); });
    started_.wait(lock, [this] { return running_; });
  }

  ~NeighborResponder() override { Stop(); }

 private:
  // Ends the thread; the packet sockets stay open (they belong to JavaScript).
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
    ports_.clear();
    fds_.Close();
  }

  bool Usable(const Napi::CallbackInfo& info) {
    if (!stopped_) return true;
    ThrowErrno(info.Env(), "neighbor responder", EBADF);
    return false;
  }

  Port* PortOf(const Napi::Value& id) {
    if (!id.IsNumber()) return nullptr;
    auto found = ports_.find(static_cast<uint64_t>(id.As<Napi::Number>().DoubleValue()));
    return found == ports_.end() ? nullptr : found->second.get();
  }

  // attach(fd, mac, slotBytes) → port id: from now on this thread reads the packet socket `fd`.
  Napi::Value Attach(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 3 || !info[0].IsNumber() || !IsBuffer(info[1]) || BytesOf(info[1]).second != 6 ||
        !info[2].IsNumber()) {
      return ThrowType(env, "attach(fd, mac, slotBytes) takes a number, 6 bytes and a number"), env.Undefined();
    }
    auto port = std::make_unique<Port>();
    port->fd = info[0].As<Napi::Number>().Int32Value();
    std::memcpy(port->mac, BytesOf(info[1]).first, 6);
    port->slot_bytes = std::max<uint32_t>(info[2].As<Napi::Number>().Uint32Value(), kEthernet + kIpv6 + 64);
    port->storage.reset(new uint8_t[size_t{kBatchFrames} * port->slot_bytes]);
    port->control.resize(kBatchFrames * kControlBytes);
    port->msgs.resize(kBatchFrames);
    port->iovs.resize(kBatchFrames);
    port->replies.resize(kBatchFrames * std::max(kArpReplyBytes, kNaBytes));
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t id = next_port_id_++;
    if (!fds_.Watch(port->fd, id)) {
      ThrowErrno(env, "attach", errno);
      return env.Undefined();
    }
    ports_.emplace(id, std::move(port));
    return Napi::Number::New(env, static_cast<double>(id));
  }

  // detach(id): the thread no longer touches the socket once this returns (JavaScript may close it).
  Napi::Value Detach(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (stopped_) return env.Undefined();
    std::lock_guard<std::mutex> lock(mutex_);
    Port* port = PortOf(info.Length() > 0 ? info[0] : env.Undefined());
    if (port == nullptr) return env.Undefined();
    fds_.Unwatch(port->fd);
    for (auto& entry : port->ipv4) Retire(entry.second);
    for (auto& entry : port->ipv6) Retire(entry.second);
    ports_.erase(static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue()));
    return env.Undefined();
  }

  // setAnswered(id, ipv4, ipv4Labels, ipv6, ipv6Labels): the addresses answered on the port from
  // now on (4 and 16 bytes each, back to back), each counted under its label.
  Napi::Value SetAnswered(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 5 || !IsBuffer(info[1]) || !info[2].IsArray() || !IsBuffer(info[3]) || !info[4].IsArray()) {
      return ThrowType(env, "setAnswered(id, ipv4, ipv4Labels, ipv6, ipv6Labels) takes a number and two Buffer/array pairs"),
             env.Undefined();
    }
    std::vector<std::pair<std::vector<uint8_t>, std::string>> wanted;
    for (int family = 0; family < 2; family++) {
      size_t size = family == 0 ? 4 : 16;
      auto [bytes, length] = BytesOf(info[1 + 2 * family]);
      Napi::Array labels = info[2 + 2 * family].As<Napi::Array>();
      if (length != size * labels.Length()) {
        return ThrowType(env, "setAnswered: one address per label"), env.Undefined();
      }
      for (uint32_t i = 0; i < labels.Length(); i++) {
        Napi::Value label = labels.Get(i);
        if (!label.IsString()) return ThrowType(env, "setAnswered: labels are strings"), env.Undefined();
        wanted.emplace_back(std::vector<uint8_t>(bytes + i * size, bytes + (i + 1) * size),
                            label.As<Napi::String>().Utf8Value());
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    Port* port = PortOf(info[0]);
    if (port == nullptr) return ThrowErrno(env, "setAnswered", EBADF), env.Undefined();
    std::unordered_map<uint32_t, Tally> ipv4;
    std::map<Ipv6Key, Tally> ipv6;
    for (auto& [address, label] : wanted) {
      if (address.size() == 4) {
        uint32_t key = ReadU32(address.data());
        auto old = port->ipv4.find(key);
        Tally& tally = ipv4[key];
        if (old != port->ipv4.end()) tally = std::move(old->second), port->ipv4.erase(old);
        tally.label = std::move(label);
      } else {
        Ipv6Key key = Ipv6Of(address.data());
        auto old = port->ipv6.find(key);
        Tally& tally = ipv6[key];
        if (old != port->ipv6.end()) tally = std::move(old->second), port->ipv6.erase(old);
        tally.label = std::move(label);
      }
    }
    // What is no longer answered keeps its counts until JavaScript takes them.
    for (auto& entry : port->ipv4) Retire(entry.second);
    for (auto& entry : port->ipv6) Retire(entry.second);
    port->ipv4 = std::move(ipv4);
    port->ipv6 = std::move(ipv6);
    return env.Undefined();
  }

  // setPaused(id, paused): while paused, frames for JavaScript are dropped (its queue is full).
  Napi::Value SetPaused(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (stopped_) return env.Undefined();
    std::lock_guard<std::mutex> lock(mutex_);
    Port* port = PortOf(info.Length() > 0 ? info[0] : env.Undefined());
    if (port != nullptr) port->paused = info.Length() > 1 && info[1].ToBoolean().Value();
    return env.Undefined();
  }

  // With mutex_ held: keeps a removed address's counts for the next takeCounts.
  void Retire(Tally& tally) {
    if (tally.requests == 0 && tally.responses == 0) return;
    retired_.push_back(std::move(tally));
    tally = Tally{};
  }

  // takeCounts() → [kind, label, n, kind, label, n, ...] counted since the last call (kinds as
  // pending-counts.ts: "arp"/"ndp" by outcome, "request"/"response" by address label).
  Napi::Value TakeCounts(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env);
    uint32_t n = 0;
    auto push = [&](const char* kind, const std::string& label, uint64_t count) {
      if (count == 0) return;
      out.Set(n++, Napi::String::New(env, kind));
      out.Set(n++, Napi::String::New(env, label));
      out.Set(n++, Napi::Number::New(env, static_cast<double>(count)));
    };
    std::lock_guard<std::mutex> lock(mutex_);
    for (int p = 0; p < 2; p++) {
      for (int o = 0; o < kOutcomeCount; o++) {
        push(kProtocolNames[p], kOutcomeNames[o], outcomes_[p][o]);
        outcomes_[p][o] = 0;
      }
    }
    auto take = [&](Tally& tally) {
      push("request", tally.label, tally.requests);
      push("response", tally.label, tally.responses);
      tally.requests = 0;
      tally.responses = 0;
    };
    for (auto& entry : ports_) {
      for (auto& address : entry.second->ipv4) take(address.second);
      for (auto& address : entry.second->ipv6) take(address.second);
    }
    for (auto& tally : retired_) take(tally);
    retired_.clear();
    return out;
  }

  // beats(): how many times the thread has gone round its loop (at least once a second).
  Napi::Value Beats(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    return Napi::Number::New(info.Env(), static_cast<double>(beats_));
  }

  Napi::Value StartError(const Napi::CallbackInfo& info) {
    if (start_error_.empty()) return info.Env().Undefined();
    return Napi::String::New(info.Env(), start_error_);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Stop();
    return info.Env().Undefined();
  }

  void Run() {
    NameThisThread("bmlb-responder");
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (priority_ > 0) {
        start_error_ = SetOwnPriority(priority_);
        realtime_ = start_error_.empty();
        watching_ = realtime_;
        if (watching_) StartWindow();
      }
      running_ = true;
    }
    started_.notify_all();
    epoll_event ready[8];
    std::vector<Event*> out;
    for (;;) {
      int n = fds_.Wait(ready, 8, kBeatMs);
      if (n < 0 && errno != EINTR) break;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) break;
        beats_++;
        bool handled = false;
        for (int i = 0; i < n; i++) {
          uint64_t id = ready[i].data.u64;
          if (fds_.Consume(id)) {
            if (id == kTimerId) CheckBudget(out);
            continue;
          }
          auto found = ports_.find(id);
          if (found != ports_.end()) handled = Drain(id, *found->second, out) || handled;
        }
        if (handled) NoteActivity();
      }
      for (Event* event : out) {
        if (events_.NonBlockingCall(event, &NeighborResponder::Deliver) != napi_ok) delete event;
      }
      out.clear();
    }
  }

  // With mutex_ held: reads one batch from the port; answers, counts or hands on each frame.
  // Returns whether any frame arrived.
  bool Drain(uint64_t id, Port& port, std::vector<Event*>& out) {
    for (unsigned i = 0; i < kBatchFrames; i++) {
      port.iovs[i] = {port.storage.get() + size_t{i} * port.slot_bytes, port.slot_bytes};
      msghdr& h = port.msgs[i].msg_hdr;
      h = {};
      h.msg_iov = &port.iovs[i];
      h.msg_iovlen = 1;
      h.msg_control = port.control.data() + i * kControlBytes;
      h.msg_controllen = kControlBytes;
    }
    int n;
    do {
      n = recvmmsg(port.fd, port.msgs.data(), kBatchFrames, MSG_DONTWAIT, nullptr);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      // ENETDOWN: the interface went down; the socket delivers again once it is back up.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENETDOWN) {
        auto* event = new Event(kReceiveError);
        event->port = id;
        event->errno_value = errno;
        out.push_back(event);
      }
      return false;
    }
    port.reply_lengths.clear();
    port.reply_tallies.clear();
    port.reply_protocols.clear();
    Event* frames = nullptr;
    uint64_t now_us = MonotonicUs();
    for (int i = 0; i < n; i++) {
      const msghdr& h = port.msgs[i].msg_hdr;
      if ((h.msg_flags & MSG_TRUNC) != 0) continue;  // larger than the MTU: no ARP/NDP frame
      uint8_t* frame = port.storage.get() + size_t(i) * port.slot_bytes;
      size_t length = port.msgs[i].msg_len;
      const tpacket_auxdata* aux = nullptr;
      for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&h)); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
        if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
          aux = reinterpret_cast<const tpacket_auxdata*>(CMSG_DATA(c));
        }
      }
      bool vlan = aux != nullptr && (aux->tp_status & TP_STATUS_VLAN_VALID) != 0;
      uint8_t tag[4] = {};
      if (vlan) {
        uint16_t tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? aux->tp_vlan_tpid : kEtherVlan;
        tag[0] = static_cast<uint8_t>(tpid >> 8);
        tag[1] = static_cast<uint8_t>(tpid);
        tag[2] = static_cast<uint8_t>(aux->tp_vlan_tci >> 8);
        tag[3] = static_cast<uint8_t>(aux->tp_vlan_tci);
      }
      if (!Handle(port, frame, length, vlan, now_us)) continue;
      // For JavaScript, with the tag the kernel took off put back in place (as the socket's own
      // reader does); dropped while its queue is full.
      if (port.paused || handed_up_->load() >= kMaxHandedUp) continue;
      if (frames == nullptr) {
        frames = new Event(kFrames);
        frames->port = id;
        frames->handed_up = handed_up_;
      }
      handed_up_->fetch_add(1);
      size_t size = length + (vlan ? 4 : 0);
      size_t start = frames->data.size();
      frames->data.resize(start + size);
      uint8_t* to = frames->data.data() + start;
      if (vlan && length >= 12) {
        std::memcpy(to, frame, 12);
        std::memcpy(to + 12, tag, 4);
        std::memcpy(to + 16, frame + 12, length - 12);
      } else {
        std::memcpy(to, frame, length);
      }
      frames->lengths.push_back(static_cast<uint32_t>(size));
    }
    SendReplies(port);
    if (frames != nullptr) out.push_back(frames);
    return n > 0;
  }

  // With mutex_ held: settles one frame here (false) or says it is JavaScript's (true).
  bool Handle(Port& port, const uint8_t* f, size_t n, bool vlan, uint64_t now_us) {
    // classify-frame.ts on the frame as JavaScript would see it (a kernel-stripped tag counts).
    size_t at = 12;
    int tags = vlan ? 1 : 0;
    uint16_t type = 0;
    for (;;) {
      if (at + 2 > n) return false;
      type = ReadU16(f + at);
      if ((type != kEtherVlan && type != kEtherServiceVlan) || tags == kMaxVlanTags) break;
      at += 4;
      tags++;
    }
    bool tagged = tags > 0;
    Protocol protocol;
    if (type == kEtherArp) {
      protocol = kArpProtocol;
    } else if (type == kEtherIpv6) {
      size_t ip = at + 2;
      if (ip + 41 > n || f[ip + 6] != kIcmpv6) return false;
      if (f[ip + 40] != kNeighborSolicitation && f[ip + 40] != kNeighborAdvertisement) return false;
      protocol = kNdpProtocol;
    } else {
      return false;
    }
    // Rate limit on the Ethernet source before anything else, so a flood costs little per frame.
    if (!limiter_.Allow(MacKey(f + 6), now_us)) return Count(protocol, kRateLimited);
    if (tagged) return true;
    return protocol == kArpProtocol ? HandleArp(port, f, n) : HandleNdp(port, f, n);
  }

  bool Count(Protocol protocol, Outcome outcome) {
    outcomes_[protocol][outcome]++;
    return false;
  }

  // With mutex_ held: an untagged ARP frame (arp-responder.ts, in its order).
  bool HandleArp(Port& port, const uint8_t* f, size_t n) {
    const uint8_t* a = f + kEthernet;
    uint16_t op = n >= kEthernet + kArp ? ReadU16(a + 6) : 0;
    // Anything decodeArpFrame might not accept as it stands (JavaScript names the problem).
    if (n < kEthernet + kArp || ReadU16(a) != 1 || ReadU16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
        (op != 1 && op != 2)) {
      return true;
    }
    const uint8_t* sender_mac = a + 8;
    if (std::memcmp(sender_mac, port.mac, 6) == 0 || std::memcmp(f + 6, port.mac, 6) == 0) {
      return Count(kArpProtocol, kIgnored);
    }
    // Another MAC names one of our addresses as its own: a conflict or the end of a hand-over.
    if (port.ipv4.count(ReadU32(a + 14)) != 0) return true;
    if (op != 1) return Count(kArpProtocol, kNotRequest);
    if (!IsBroadcast(f) && std::memcmp(f, port.mac, 6) != 0) return Count(kArpProtocol, kWrongDestination);
    auto found = port.ipv4.find(ReadU32(a + 24));
    if (found == port.ipv4.end()) return Count(kArpProtocol, kNotOurIp);
    found->second.requests++;
    // RFC 826: the reply goes to the requester's hardware address, with our MAC for the target IP.
    uint8_t* r = NextReply(port);
    std::memset(r, 0, kArpReplyBytes);
    std::memcpy(r, sender_mac, 6);
    std::memcpy(r + 6, port.mac, 6);
    r[12] = 0x08;
    r[13] = 0x06;
    uint8_t* ra = r + kEthernet;
    static const uint8_t header[8] = {0, 1, 8, 0, 6, 4, 0, 2};
    std::memcpy(ra, header, 8);
    std::memcpy(ra + 8, port.mac, 6);
    std::memcpy(ra + 14, a + 24, 4);
    std::memcpy(ra + 18, sender_mac, 6);
    std::memcpy(ra + 24, a + 14, 4);
    QueueReply(port, kArpReplyBytes, &found->second, kArpProtocol);
    return false;
  }

  // With mutex_ held: an untagged NS or NA (ndp-responder.ts, in its order). Only what
  // decodeNdpFrame accepts as it stands is settled here.
  bool HandleNdp(Port& port, const uint8_t* f, size_t n) {
    const uint8_t* ip = f + kEthernet;
    if (n < kEthernet + kIpv6 || (ip[0] >> 4) != 6) return true;
    size_t payload = ReadU16(ip + 4);
    const uint8_t* icmp = ip + kIpv6;
    if (kEthernet + kIpv6 + payload > n || payload < kNdpFixed || ip[7] != 255 || icmp[1] != 0) return true;
    if (Icmpv6Sum(ip, icmp, payload) != 0xffff) return true;
    const uint8_t* target = icmp + 8;
    if (target[0] == 0xff) return true;
    // Options: none of length zero, none past the end; the first one-unit Source Link-Layer
    // Address option is where an answer goes (RFC 4861 §7.2.4).
    const uint8_t* source_link = nullptr;
    for (size_t o = kNdpFixed; o < payload;) {
      if (o + 2 > payload || icmp[o + 1] == 0 || o + size_t{icmp[o + 1]} * 8 > payload) return true;
      if (icmp[o] == 1 && icmp[o + 1] == 1 && source_link == nullptr) source_link = icmp + o + 2;
      o += size_t{icmp[o + 1]} * 8;
    }
    bool solicitation = icmp[0] == kNeighborSolicitation;
    const uint8_t* source = ip + 8;
    bool unspecified = std::all_of(source, source + 16, [](uint8_t b) { return b == 0; });
    // RFC 4861 §7.1.1/§7.1.2 checks that decodeNdpFrame makes: JavaScript's.
    if (solicitation && unspecified) return true;  // duplicate address detection
    if (!solicitation && (icmp[4] & 0x40) != 0 && ip[24] == 0xff) return true;
    if (std::memcmp(f + 6, port.mac, 6) == 0) return Count(kNdpProtocol, kIgnored);
    auto found = port.ipv6.find(Ipv6Of(target));
    if (!solicitation) return found == port.ipv6.end() ? Count(kNdpProtocol, kNotRequest) : true;
    if (std::memcmp(f, port.mac, 6) != 0 && (f[0] & 1) == 0) return Count(kNdpProtocol, kWrongDestination);
    if (found == port.ipv6.end()) return Count(kNdpProtocol, kNotOurIp);
    found->second.requests++;
    // A solicited advertisement from the target address itself, Override clear, with our MAC in
    // a Target Link-Layer Address option (buildSolicitedNeighborAdvertisement).
    uint8_t* r = NextReply(port);
    std::memset(r, 0, kNaBytes);
    std::memcpy(r, source_link != nullptr ? source_link : f + 6, 6);
    std::memcpy(r + 6, port.mac, 6);
    r[12] = 0x86;
    r[13] = 0xdd;
    uint8_t* rip = r + kEthernet;
    rip[0] = 0x60;
    rip[5] = kNdpFixed + 8;
    rip[6] = kIcmpv6;
    rip[7] = 255;
    std::memcpy(rip + 8, target, 16);
    std::memcpy(rip + 24, source, 16);
    uint8_t* ricmp = rip + kIpv6;
    ricmp[0] = kNeighborAdvertisement;
    ricmp[4] = 0x40;  // Solicited
    std::memcpy(ricmp + 8, target, 16);
    ricmp[24] = 2;
    ricmp[25] = 1;
    std::memcpy(ricmp + 26, port.mac, 6);
    uint16_t checksum = static_cast<uint16_t>(~Icmpv6Sum(rip, ricmp, kNdpFixed + 8));
    ricmp[2] = static_cast<uint8_t>(checksum >> 8);
    ricmp[3] = static_cast<uint8_t>(checksum);
    QueueReply(port, kNaBytes, &found->second, kNdpProtocol);
    return false;
  }

  uint8_t* NextReply(Port& port) {
    return port.replies.data() + port.reply_lengths.size() * std::max(kArpReplyBytes, kNaBytes);
  }

  void QueueReply(Port& port, size_t length, Tally* tally, Protocol protocol) {
    port.reply_lengths.push_back(length);
    port.reply_tallies.push_back(tally);
    port.reply_protocols.push_back(protocol);
  }

  // With mutex_ held: the wake-up's replies in one sendmmsg; what the socket refuses is counted
  // (a full buffer: the requesters ask again).
  void SendReplies(Port& port) {
    size_t count = port.reply_lengths.size();
    if (count == 0) return;
    std::vector<mmsghdr> msgs(count);
    std::vector<iovec> iovs(count);
    for (size_t i = 0; i < count; i++) {
      iovs[i] = {port.replies.data() + i * std::max(kArpReplyBytes, kNaBytes), port.reply_lengths[i]};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    size_t sent = 0;
    while (sent < count) {
      int n = sendmmsg(port.fd, msgs.data() + sent, static_cast<unsigned>(count - sent), MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    for (size_t i = 0; i < count; i++) {
      int protocol = port.reply_protocols[i];
      if (i < sent) {
        port.reply_tallies[i]->responses++;
        outcomes_[protocol][kReplied]++;
      } else {
        outcomes_[protocol][kSendFailed]++;
      }
    }
  }

  // The CPU budget (with mutex_ held), as realtime-budget.ts did on the responder worker: while
  // realtime, each window with frames ends with a look at the thread's CPU time; an idle window
  // ends the watch until the next frame. Out of the realtime class the watch goes on until the
  // cooldown is over and realtime is taken back.
  void NoteActivity() {
    active_ = true;
    if (watching_ && !timer_armed_) {
      StartWindow();
      fds_.ArmAt(MonotonicUs() + window_us_);
      timer_armed_ = true;
    }
  }

  void StartWindow() {
    active_ = false;
    window_start_us_ = MonotonicUs();
    window_cpu_ms_ = CpuMsOfThisThread();
  }

  void CheckBudget(std::vector<Event*>& out) {
    timer_armed_ = false;
    if (!watching_) return;
    uint64_t now = MonotonicUs();
    double elapsed_ms = std::max(1.0, static_cast<double>(now - window_start_us_) / 1000.0);
    double busy = (CpuMsOfThisThread() - window_cpu_ms_) / elapsed_ms;
    if (realtime_ && busy > max_busy_share_) {
      std::string error = SetOwnPriority(0);
      if (error.empty()) {
        realtime_ = false;
        cooldown_until_us_ = now + cooldown_us_;
      }
      out.push_back(PriorityEvent(!error.empty(), busy, error));
    } else if (!realtime_ && now >= cooldown_until_us_) {
      std::string error = SetOwnPriority(priority_);
      realtime_ = error.empty();
      // Refused now (the capability was taken away?): do not ask again every window.
      if (!realtime_) cooldown_until_us_ = now + cooldown_us_;
      out.push_back(PriorityEvent(realtime_, busy, error));
    }
    bool idle = !active_;
    StartWindow();
    if (idle && realtime_) return;
    fds_.ArmAt(now + window_us_);
    timer_armed_ = true;
  }

  static Event* PriorityEvent(bool realtime, double busy_share, const std::string& error) {
    auto* event = new Event(kPriority);
    event->realtime = realtime;
    event->busy_share = busy_share;
    event->error = error;
    return event;
  }

  // On the JavaScript thread: (0, port, data, lengths) for frames, (1, realtime, busyShare,
  // error) for a priority change, (2, port, error) for a receive error. Plain N-API calls with
  // their status checked (see CallFromThread in thread_loop.h).
  static void Deliver(Napi::Env env, Napi::Function callback, Event* raw) {
    std::unique_ptr<Event> event(raw);
    if (env == nullptr || callback.IsEmpty()) return;
    napi_env e = env;
    napi_handle_scope scope;
    if (napi_open_handle_scope(e, &scope) != napi_ok) return;
    napi_value argv[4];
    size_t argc = 0;
    bool ok = napi_create_int32(e, event->kind, &argv[argc++]) == napi_ok;
    if (event->kind == kFrames) {
      ok = ok && napi_create_double(e, static_cast<double>(event->port), &argv[argc++]) == napi_ok;
      ok = ok && napi_create_buffer_copy(e, event->data.size(), event->data.data(), nullptr, &argv[argc++]) == napi_ok;
      napi_value lengths_buffer;
      void* lengths_data = nullptr;
      size_t bytes = event->lengths.size() * sizeof(uint32_t);
      ok = ok && napi_create_arraybuffer(e, bytes, &lengths_data, &lengths_buffer) == napi_ok;
      if (ok && bytes > 0) std::memcpy(lengths_data, event->lengths.data(), bytes);
      ok = ok && napi_create_typedarray(e, napi_uint32_array, event->lengths.size(), lengths_buffer, 0,
                                        &argv[argc++]) == napi_ok;
    } else if (event->kind == kPriority) {
      ok = ok && napi_get_boolean(e, event->realtime, &argv[argc++]) == napi_ok;
      ok = ok && napi_create_double(e, event->busy_share, &argv[argc++]) == napi_ok;
      if (event->error.empty()) {
        ok = ok && napi_get_undefined(e, &argv[argc++]) == napi_ok;
      } else {
        ok = ok && napi_create_string_utf8(e, event->error.data(), event->error.size(), &argv[argc++]) == napi_ok;
      }
    } else {
      ok = ok && napi_create_double(e, static_cast<double>(event->port), &argv[argc++]) == napi_ok;
      argv[argc++] = ErrnoError(env, "receive", event->errno_value);
    }
    if (ok) CallFromThread(e, callback, argc, argv);
    napi_close_handle_scope(e, scope);
  }

  std::mutex mutex_;
  std::condition_variable started_;
  bool running_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  LoopFds fds_;
  EnvCleanupHook cleanup_;
  std::thread thread_;
  Napi::ThreadSafeFunction events_;
  std::unordered_map<uint64_t, std::unique_ptr<Port>> ports_;
  uint64_t next_port_id_ = kFirstPortId;
  RateLimiter limiter_;
  uint64_t outcomes_[2][kOutcomeCount] = {};
  std::vector<Tally> retired_;
  std::shared_ptr<std::atomic<int64_t>> handed_up_ = std::make_shared<std::atomic<int64_t>>(0);
  uint64_t beats_ = 0;
  // The CPU budget.
  int priority_ = 0;
  double max_busy_share_ = 0.5;
  uint64_t window_us_ = 100000;
  uint64_t cooldown_us_ = 1000000;
  std::string start_error_;
  bool realtime_ = false;
  bool watching_ = false;
  bool active_ = false;
  bool timer_armed_ = false;
  uint64_t cooldown_until_us_ = 0;
  uint64_t window_start_us_ = 0;
  double window_cpu_ms_ = 0;
};

}  // namespace

void InitNeighborResponder(Napi::Env env, Napi::Object exports) {
  exports.Set("NeighborResponder", NeighborResponder::Init(env));
}

}  // namespace packet_socket

// MembershipLink: a native thread that carries the steady state of SWIM membership (the
// @baremetal-lb/leader packet format) so that an idle cluster does not wake JavaScript 20-80 times
// a second. It owns the receive side of the membership UDP socket and seals every packet sent
// (AES-256-GCM, nonce = epoch || counter, one counter for both threads). Of what arrives it keeps
// only two kinds of packet, and only while JavaScript says the member is quiet (nothing to
// piggy-back, no suspect, local health perfect):
//   - a packet that is one ping for us from a member JavaScript counts alive: answered with an ack;
//   - a packet that is one ack of a probe this thread sent: recorded.
// It also sends the round-robin probes JavaScript handed it (startProbing), and when one is not
// acknowledged within the timeout it stops probing and reports the miss: JavaScript takes the
// probe over (indirect probes, suspicion). Quiet lapses unless JavaScript feeds the watchdog: a
// wedged event loop must look dead to the other members, as it would without this thread.
// Every other packet goes to JavaScript, opened (sender,
// epoch, counter and plaintext) when this thread holds the sender's key, sealed otherwise. Packets
// it opened pass its replay window first (RFC 4303 §3.4.3, as JavaScript's ReplayGuard).
// JavaScript stays the authority for every state change.
#include <netinet/in.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "packet_socket.h"
#include "thread_loop.h"

namespace packet_socket {

namespace {

// Packet layout (packages/leader/src/membership/packet.ts).
constexpr uint8_t kVersion = 1;
constexpr size_t kFixedHeader = 18;
constexpr size_t kTag = 16;
constexpr size_t kKeyBytes = 32;
// Message codes (packages/leader/src/membership/message.ts).
constexpr uint8_t kPing = 1;
constexpr uint8_t kAck = 2;
// Replay window, packets (replay-guard.ts).
constexpr uint32_t kReplayWindow = 64;
// Receive keys kept, as JavaScript's Keyring caches subkeys.
constexpr size_t kMaxReceiveKeys = 1024;
constexpr size_t kMaxDatagram = 65536;
constexpr int kMaxPerWakeup = 64;
constexpr uint64_t kWakeId = 1;
constexpr uint64_t kTimerId = 2;
constexpr uint64_t kSocketId = 3;

enum EventKind : int { kOpened = 0, kSealed = 1, kMissed = 2, kReceiveError = 3 };

uint32_t ReadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void WriteU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

struct LinkEvent {
  explicit LinkEvent(EventKind k) : kind(k) {}
  EventKind kind;
  std::string sender;  // kOpened; the missed target for kMissed
  uint64_t epoch = 0;
  uint32_t counter = 0;  // kOpened; the probe's seq for kMissed
  std::vector<uint8_t> data;
  sockaddr_storage from = {};
  socklen_t from_length = 0;
  int error = 0;
};

struct Target {
  std::string name;
  sockaddr_storage to = {};
  socklen_t to_length = 0;
};

struct Window {
  uint64_t epoch;
  uint32_t highest;
  uint64_t seen;
};

struct Probe {
  bool active = false;
  bool acked = false;
  uint32_t seq = 0;
  std::string name;
  uint64_t deadline_us = 0;
};

// One AES-256-GCM operation; false if OpenSSL refused or (decrypting) the tag did not verify.
bool Gcm(bool encrypt, const uint8_t* key, const uint8_t* nonce, const uint8_t* aad, size_t aad_length,
         const uint8_t* in, size_t length, uint8_t* out, uint8_t* tag) {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                                     &EVP_CIPHER_CTX_free);
  if (ctx == nullptr) return false;
  EVP_CIPHER_CTX* c = ctx.get();
  int n = 0;
  if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), nullptr, key, nonce, encrypt ? 1 : 0) != 1) return false;
  if (EVP_CipherUpdate(c, nullptr, &n, aad, static_cast<int>(aad_length)) != 1) return false;
  if (length > 0 && EVP_CipherUpdate(c, out, &n, in, static_cast<int>(length)) != 1) return false;
  if (!encrypt && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, kTag, tag) != 1) return false;
  if (EVP_CipherFinal_ex(c, out + length, &n) != 1) return false;
  return !encrypt || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, kTag, tag) == 1;
}

class MembershipLink : public Napi::ObjectWrap<MembershipLink> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "MembershipLink",
                       {
                           InstanceMethod<&MembershipLink::Configure>("configure"),
                           InstanceMethod<&MembershipLink::SetSendKey>("setSendKey"),
                           InstanceMethod<&MembershipLink::AddReceiveKey>("addReceiveKey"),
                           InstanceMethod<&MembershipLink::ClearReceiveKeys>("clearReceiveKeys"),
                           InstanceMethod<&MembershipLink::Forget>("forget"),
                           InstanceMethod<&MembershipLink::Send>("send"),
                           InstanceMethod<&MembershipLink::SetQuiet>("setQuiet"),
                           InstanceMethod<&MembershipLink::Feed>("feed"),
                           InstanceMethod<&MembershipLink::StartProbing>("startProbing"),
                           InstanceMethod<&MembershipLink::StopProbing>("stopProbing"),
                           InstanceMethod<&MembershipLink::Stats>("stats"),
                           InstanceMethod<&MembershipLink::Close>("close"),
                       });
  }

  // new MembershipLink(fd, onEvent): the thread reads `fd` (a bound UDP socket JavaScript owns).
  explicit MembershipLink(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<MembershipLink>(info), random_(std::random_device{}()) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsFunction()) {
      ThrowType(env, "MembershipLink(fd, onEvent) takes a number and a function");
      return;
    }
    fd_ = info[0].As<Napi::Number>().Int32Value();
    if (!fds_.Open(kWakeId, kTimerId) || !fds_.Watch(fd_, kSocketId)) {
      int err = errno;
      fds_.Close();
      ThrowErrno(env, "membership link", err);
      return;
    }
    events_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "MembershipLink", 0, 1);
    // Like membership's timers, the link alone does not keep the process alive.
    events_.Unref(env);
    cleanup_.Register(env, [](void* self) { static_cast<MembershipLink*>(self)->Stop(); }, this);
    thread_ = std::thread([this] { Run(); });
  }

  ~MembershipLink() override { Stop(); }

 private:
  // Ends the thread (the socket stays open: it belongs to JavaScript) and releases the callback.
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

  bool Usable(const Napi::CallbackInfo& info) {
    if (!stopped_) return true;
    ThrowErrno(info.Env(), "membership link", EBADF);
    return false;
  }

  static std::string StringOf(const Napi::Value& value) {
    return value.IsString() ? value.As<Napi::String>().Utf8Value() : std::string();
  }

  // configure(name, epoch, maxPacketBytes, watchdogUs): who we are (the counter restarts at 0 in
  // `epoch`), and how long quiet lasts without a feed.
  Napi::Value Configure(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() ||
        !info[3].IsNumber()) {
      return ThrowType(env, "configure(name, epoch, maxPacketBytes, watchdogUs)"), env.Undefined();
    }
    std::string name = StringOf(info[0]);
    if (name.empty() || name.size() > 255) return ThrowType(env, "configure: name must be 1..255 bytes"), env.Undefined();
    std::lock_guard<std::mutex> lock(mutex_);
    name_ = name;
    epoch_ = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
    counter_ = 0;
    max_packet_ = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
    watchdog_us_ = static_cast<uint64_t>(info[3].As<Napi::Number>().DoubleValue());
    return env.Undefined();
  }

  static bool KeyArgument(const Napi::Value& value) { return IsBuffer(value) && BytesOf(value).second == kKeyBytes; }

  // setSendKey(keyId, key): the key id and our own 32-byte subkey that every packet is sealed with.
  Napi::Value SetSendKey(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 2 || !info[0].IsNumber() || !KeyArgument(info[1])) {
      return ThrowType(env, "setSendKey(keyId, key) takes a number and 32 bytes"), env.Undefined();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    send_key_id_ = info[0].As<Napi::Number>().Uint32Value();
    std::memcpy(send_key_, BytesOf(info[1]).first, kKeyBytes);
    has_send_key_ = true;
    return env.Undefined();
  }

  static std::string KeyName(uint32_t key_id, const std::string& sender) {
    return std::string(reinterpret_cast<const char*>(&key_id), sizeof(key_id)) + sender;
  }

  // addReceiveKey(keyId, sender, key): a subkey JavaScript has seen authenticate a packet.
  Napi::Value AddReceiveKey(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsString() || !KeyArgument(info[2])) {
      return ThrowType(env, "addReceiveKey(keyId, sender, key)"), env.Undefined();
    }
    std::string name = KeyName(info[0].As<Napi::Number>().Uint32Value(), StringOf(info[1]));
    std::lock_guard<std::mutex> lock(mutex_);
    if (receive_keys_.size() >= kMaxReceiveKeys && receive_keys_.count(name) == 0) {
      receive_keys_.erase(receive_keys_.begin());
    }
    auto& key = receive_keys_[name];
    key.assign(BytesOf(info[2]).first, BytesOf(info[2]).first + kKeyBytes);
    return env.Undefined();
  }

  Napi::Value ClearReceiveKeys(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    receive_keys_.clear();
    return info.Env().Undefined();
  }

  // forget(sender): drop its replay window (it died or left; its next life may have a smaller epoch).
  Napi::Value Forget(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    windows_.erase(StringOf(info[0]));
    return info.Env().Undefined();
  }

  // send(sockaddr, payload) -> bool: seal `payload` (encoded messages) and send it now.
  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 2 || !IsBuffer(info[0]) || !IsBuffer(info[1])) {
      return ThrowType(env, "send(sockaddr, payload) takes two buffers"), env.Undefined();
    }
    sockaddr_storage to = {};
    auto [address, address_length] = BytesOf(info[0]);
    address_length = std::min(address_length, sizeof(to));
    std::memcpy(&to, address, address_length);
    auto [payload, length] = BytesOf(info[1]);
    std::lock_guard<std::mutex> lock(mutex_);
    return Napi::Boolean::New(env, SealAndSend(to, static_cast<socklen_t>(address_length), payload, length));
  }

  // setQuiet(quiet, aliveNames): while quiet (and fed) this thread answers pings from those members
  // itself. Also a feed.
  Napi::Value SetQuiet(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[1].IsArray()) return ThrowType(env, "setQuiet(quiet, aliveNames)"), env.Undefined();
    Napi::Array names = info[1].As<Napi::Array>();
    std::unordered_set<std::string> alive;
    for (uint32_t i = 0; i < names.Length(); i++) alive.insert(StringOf(names.Get(i)));
    std::lock_guard<std::mutex> lock(mutex_);
    quiet_ = info[0].ToBoolean().Value();
    alive_ = std::move(alive);
    last_feed_us_ = MonotonicUs();
    return env.Undefined();
  }

  // feed(): JavaScript's event loop is alive.
  Napi::Value Feed(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_feed_us_ = MonotonicUs();
    return info.Env().Undefined();
  }

  // startProbing(names, sockaddrs, intervalUs, timeoutUs): ping one of them (round robin, reshuffled
  // each round) every interval, the first now. Stops by itself at the first miss. Our probes' seqs
  // have the top bit set; JavaScript's never do, so an ack says whose probe it answers.
  Napi::Value StartProbing(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const char* usage = "startProbing(names, sockaddrs, intervalUs, timeoutUs)";
    if (!Usable(info)) return env.Undefined();
    if (info.Length() < 4 || !info[0].IsArray() || !info[1].IsArray() || !info[2].IsNumber() ||
        !info[3].IsNumber()) {
      return ThrowType(env, usage), env.Undefined();
    }
    Napi::Array names = info[0].As<Napi::Array>();
    Napi::Array addresses = info[1].As<Napi::Array>();
    std::vector<Target> targets;
    for (uint32_t i = 0; i < names.Length() && i < addresses.Length(); i++) {
      Target t;
      t.name = StringOf(names.Get(i));
      Napi::Value address = addresses.Get(i);
      if (t.name.empty() || !IsBuffer(address)) return ThrowType(env, usage), env.Undefined();
      auto [bytes, length] = BytesOf(address);
      length = std::min(length, sizeof(t.to));
      std::memcpy(&t.to, bytes, length);
      t.to_length = static_cast<socklen_t>(length);
      targets.push_back(std::move(t));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    targets_ = std::move(targets);
    next_target_ = targets_.size();  // reshuffle before the first
    interval_us_ = static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue());
    timeout_us_ = static_cast<uint64_t>(info[3].As<Napi::Number>().DoubleValue());
    probing_ = !targets_.empty() && interval_us_ > 0;
    probe_ = Probe{};
    next_probe_us_ = MonotonicUs();
    fds_.Wake();
    return env.Undefined();
  }

  // stopProbing(): no more probes; acks of one in flight go to JavaScript from now on.
  Napi::Value StopProbing(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    probing_ = false;
    probe_ = Probe{};
    ArmTimer();
    return info.Env().Undefined();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::lock_guard<std::mutex> lock(mutex_);
    Napi::Object out = Napi::Object::New(env);
    auto set = [&](const char* key, uint64_t value) { out.Set(key, Napi::Number::New(env, static_cast<double>(value))); };
    set("packetsSent", packets_sent_);
    set("bytesSent", bytes_sent_);
    set("sendFailures", send_failures_);
    set("packetsReceived", packets_received_);
    set("bytesReceived", bytes_received_);
    set("pingsAnswered", pings_answered_);
    set("acksReceived", acks_received_);
    set("probesSent", probes_sent_);
    set("probesMissed", probes_missed_);
    set("passedUp", passed_up_);
    set("replayed", replayed_);
    return out;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Stop();
    return info.Env().Undefined();
  }

  // With mutex_ held. Header, then the ciphertext and tag, in one datagram.
  bool SealAndSend(const sockaddr_storage& to, socklen_t to_length, const uint8_t* payload, size_t length) {
    if (!has_send_key_ || name_.empty()) return false;
    if (counter_ > 0xffffffffull) {
      // Counter exhausted (years of traffic): a new epoch keeps nonces unique (packet.ts does the same).
      epoch_++;
      counter_ = 0;
    }
    size_t header = kFixedHeader + name_.size();
    send_buffer_.resize(header + length + kTag);
    uint8_t* out = send_buffer_.data();
    out[0] = kVersion;
    WriteU32(out + 1, send_key_id_);
    WriteU32(out + 5, static_cast<uint32_t>(epoch_ >> 32));
    WriteU32(out + 9, static_cast<uint32_t>(epoch_));
    WriteU32(out + 13, static_cast<uint32_t>(counter_++));
    out[17] = static_cast<uint8_t>(name_.size());
    std::memcpy(out + kFixedHeader, name_.data(), name_.size());
    if (!Gcm(true, send_key_, out + 5, out, header, payload, length, out + header, out + header + length)) {
      send_failures_++;
      return false;
    }
    ssize_t n;
    do {
      n = sendto(fd_, out, send_buffer_.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), to_length);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      send_failures_++;
      return false;
    }
    packets_sent_++;
    bytes_sent_ += send_buffer_.size();
    return true;
  }

  // With mutex_ held: the replay check of replay-guard.ts; records the counter when fresh.
  bool AcceptFresh(const std::string& sender, uint64_t epoch, uint32_t counter) {
    auto found = windows_.find(sender);
    if (found == windows_.end() || epoch > found->second.epoch) {
      windows_[sender] = Window{epoch, counter, 1};
      return true;
    }
    Window& w = found->second;
    if (epoch < w.epoch) return false;
    if (counter > w.highest) {
      uint32_t shift = counter - w.highest;
      w.seen = shift >= kReplayWindow ? 1 : ((w.seen << shift) | 1);
      w.highest = counter;
      return true;
    }
    uint32_t age = w.highest - counter;
    if (age >= kReplayWindow) return false;
    uint64_t bit = uint64_t{1} << age;
    if ((w.seen & bit) != 0) return false;
    w.seen |= bit;
    return true;
  }

  void Run() {
    NameThisThread("bmlb-membership");
    epoll_event ready[4];
    std::vector<LinkEvent*> out;
    for (;;) {
      int n = fds_.Wait(ready, 4, -1);
      if (n < 0 && errno != EINTR) break;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) break;
        for (int i = 0; i < n; i++) {
          uint64_t id = ready[i].data.u64;
          if (!fds_.Consume(id)) Drain(out);  // kSocketId, the only other
        }
        RunDue(MonotonicUs(), out);
        ArmTimer();
      }
      for (LinkEvent* event : out) {
        if (events_.NonBlockingCall(event, &MembershipLink::Deliver) != napi_ok) delete event;
      }
      out.clear();
    }
  }

  // With mutex_ held: a miss at the probe's deadline, then the next probe when its time has come.
  void RunDue(uint64_t now, std::vector<LinkEvent*>& out) {
    if (!probing_) return;
    if (probe_.active && !probe_.acked && now >= probe_.deadline_us) {
      auto* event = new LinkEvent(kMissed);
      event->sender = probe_.name;
      event->counter = probe_.seq;
      out.push_back(event);
      probes_missed_++;
      probing_ = false;
      probe_ = Probe{};
      return;
    }
    if (now < next_probe_us_) return;
    if (next_target_ >= targets_.size()) {
      std::shuffle(targets_.begin(), targets_.end(), random_);
      next_target_ = 0;
    }
    const Target& target = targets_[next_target_++];
    uint32_t seq = seq_;
    seq_ = ((seq_ + 1) & 0x7fffffffu) | 0x80000000u;
    ping_.assign({kPing, 0, 0, 0, 0, static_cast<uint8_t>(target.name.size())});
    WriteU32(ping_.data() + 1, seq);
    ping_.insert(ping_.end(), target.name.begin(), target.name.end());
    probe_ = Probe{true, false, seq, target.name, now + timeout_us_};
    if (SealAndSend(target.to, target.to_length, ping_.data(), ping_.size())) probes_sent_++;
    // The schedule keeps its cadence even when the thread woke late.
    next_probe_us_ = std::max(next_probe_us_ + interval_us_, now + interval_us_ / 2);
  }

  void ArmTimer() {
    uint64_t at = 0;
    if (probing_) {
      at = next_probe_us_;
      if (probe_.active && !probe_.acked) at = std::min(at, probe_.deadline_us);
    }
    fds_.ArmAt(at);
  }

  // With mutex_ held: read what is queued; handle or hand over each datagram.
  void Drain(std::vector<LinkEvent*>& out) {
    for (int i = 0; i < kMaxPerWakeup; i++) {
      sockaddr_storage from = {};
      socklen_t from_length = sizeof(from);
      receive_buffer_.resize(kMaxDatagram);
      ssize_t n;
      do {
        n = recvfrom(fd_, receive_buffer_.data(), receive_buffer_.size(), MSG_DONTWAIT,
                     reinterpret_cast<sockaddr*>(&from), &from_length);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          auto* event = new LinkEvent(kReceiveError);
          event->error = errno;
          out.push_back(event);
        }
        return;
      }
      packets_received_++;
      bytes_received_ += static_cast<uint64_t>(n);
      LinkEvent* event = Handle(receive_buffer_.data(), static_cast<size_t>(n), from, from_length);
      if (event != nullptr) {
        passed_up_++;
        out.push_back(event);
      }
    }
  }

  // With mutex_ held: nullptr when handled here (answered, recorded, or a replay), else the event.
  LinkEvent* Handle(const uint8_t* p, size_t n, const sockaddr_storage& from, socklen_t from_length) {
    auto sealed = [&] {
      auto* event = new LinkEvent(kSealed);
      event->data.assign(p, p + n);
      event->from = from;
      event->from_length = from_length;
      return event;
    };
    // Anything out of the ordinary is JavaScript's to judge and count.
    if (n > max_packet_ || n < kFixedHeader + kTag || p[0] != kVersion) return sealed();
    size_t name_length = p[17];
    size_t header = kFixedHeader + name_length;
    if (name_length == 0 || n < header + kTag) return sealed();
    std::string sender(reinterpret_cast<const char*>(p + kFixedHeader), name_length);
    if (sender == name_) return sealed();
    auto key = receive_keys_.find(KeyName(ReadU32(p + 1), sender));
    if (key == receive_keys_.end()) return sealed();
    size_t length = n - header - kTag;
    plain_.resize(length + kTag);
    uint8_t tag[kTag];
    std::memcpy(tag, p + n - kTag, kTag);
    if (!Gcm(false, key->second.data(), p + 5, p, header, p + header, length, plain_.data(), tag)) return sealed();
    uint64_t epoch = (uint64_t{ReadU32(p + 5)} << 32) | ReadU32(p + 9);
    uint32_t counter = ReadU32(p + 13);
    if (!AcceptFresh(sender, epoch, counter)) {
      replayed_++;
      return nullptr;
    }
    const uint8_t* m = plain_.data();
    // One ping for us, from a member JavaScript counts alive, while nothing waits to be piggy-backed.
    if (quiet_ && MonotonicUs() - last_feed_us_ <= watchdog_us_ && length == 6 + name_.size() && m[0] == kPing && m[5] == name_.size() &&
        std::memcmp(m + 6, name_.data(), name_.size()) == 0 && alive_.count(sender) != 0) {
      uint8_t ack[5] = {kAck};
      std::memcpy(ack + 1, m + 1, 4);
      if (SealAndSend(from, from_length, ack, sizeof(ack))) pings_answered_++;
      return nullptr;
    }
    // One ack of the probe in flight.
    if (length == 5 && m[0] == kAck && probe_.active && !probe_.acked && ReadU32(m + 1) == probe_.seq) {
      probe_.acked = true;
      acks_received_++;
      return nullptr;
    }
    auto* event = new LinkEvent(kOpened);
    event->sender = std::move(sender);
    event->epoch = epoch;
    event->counter = counter;
    event->data.assign(m, m + length);
    event->from = from;
    event->from_length = from_length;
    return event;
  }

  // On the JavaScript thread: (0, sender, epoch, counter, payload, from) for an opened packet,
  // (1, packet, from) for one left sealed, (2, seq, name) for a missed probe, (3, error). Plain
  // N-API calls with their status checked (see CallFromThread in thread_loop.h).
  static void Deliver(Napi::Env env, Napi::Function callback, LinkEvent* raw) {
    std::unique_ptr<LinkEvent> event(raw);
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
    auto string = [&](const std::string& s) {
      ok = ok && napi_create_string_utf8(e, s.data(), s.size(), &argv[argc++]) == napi_ok;
    };
    number(event->kind);
    if (event->kind == kOpened) {
      string(event->sender);
      number(static_cast<double>(event->epoch));
      number(event->counter);
      bytes(event->data.data(), event->data.size());
      bytes(&event->from, event->from_length);
    } else if (event->kind == kSealed) {
      bytes(event->data.data(), event->data.size());
      bytes(&event->from, event->from_length);
    } else if (event->kind == kMissed) {
      number(event->counter);
      string(event->sender);
    } else {
      argv[argc++] = ErrnoError(env, "receive", event->error);
    }
    if (ok) CallFromThread(e, callback, argc, argv);
    napi_close_handle_scope(e, scope);
  }

  std::mutex mutex_;
  bool stopping_ = false;
  bool stopped_ = false;
  int fd_ = -1;
  LoopFds fds_;
  EnvCleanupHook cleanup_;
  std::thread thread_;
  Napi::ThreadSafeFunction events_;
  std::mt19937_64 random_;
  // Who we are and how we seal.
  std::string name_;
  uint64_t epoch_ = 0;
  uint64_t counter_ = 0;
  size_t max_packet_ = 1400;
  bool has_send_key_ = false;
  uint32_t send_key_id_ = 0;
  uint8_t send_key_[kKeyBytes] = {};
  std::map<std::string, std::vector<uint8_t>> receive_keys_;
  std::unordered_map<std::string, Window> windows_;
  // What JavaScript allows us to do alone.
  bool quiet_ = false;
  uint64_t watchdog_us_ = 0;
  uint64_t last_feed_us_ = 0;
  std::unordered_set<std::string> alive_;
  bool probing_ = false;
  std::vector<Target> targets_;
  size_t next_target_ = 0;
  uint64_t interval_us_ = 0;
  uint64_t timeout_us_ = 0;
  uint64_t next_probe_us_ = 0;
  uint32_t seq_ = 0x80000000u;
  Probe probe_;
  // Scratch.
  std::vector<uint8_t> send_buffer_;
  std::vector<uint8_t> receive_buffer_;
  std::vector<uint8_t> plain_;
  std::vector<uint8_t> ping_;
  // Counters.
  uint64_t packets_sent_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t send_failures_ = 0;
  uint64_t packets_received_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t pings_answered_ = 0;
  uint64_t acks_received_ = 0;
  uint64_t probes_sent_ = 0;
  uint64_t probes_missed_ = 0;
  uint64_t passed_up_ = 0;
  uint64_t replayed_ = 0;
};

}  // namespace

void InitMembershipLink(Napi::Env env, Napi::Object exports) {
  exports.Set("MembershipLink", MembershipLink::Init(env));
}

}  // namespace packet_socket

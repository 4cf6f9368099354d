// The pure parts of the BFD pacer (bfd_pacer.cc): the jittered transmit interval of RFC 5880
// §6.8.7, the session-independent packet checks of §6.8.6 that decide whether a datagram may
// restart a detection timer, and the detection deadline. Exported to JavaScript for unit tests.
#pragma once

#include <cstddef>
#include <cstdint>

namespace packet_socket::bfd {

// §6.8.7: each interval is reduced by a random 0-25 % (75-100 % of the agreed interval), and by
// 10-25 % (75-90 %) when Detect Mult is 1, so that a single lost packet cannot expire the peer's
// detection time. `random01` is uniform in [0, 1).
inline uint64_t JitteredIntervalUs(uint64_t interval_us, int detect_multiplier, double random01) {
  const double span = detect_multiplier == 1 ? 0.15 : 0.25;
  return static_cast<uint64_t>(static_cast<double>(interval_us) * (0.75 + span * random01));
}

// When the next periodic packet goes out after one was sent at `last_tx_us` (0: never), given the
// jittered interval: at once for a session's first packet, else one interval after the last one
// (never a catch-up burst after a late wake-up: intervals are measured from real sends).
inline uint64_t NextTransmitUs(uint64_t now_us, uint64_t last_tx_us, uint64_t jittered_us) {
  if (last_tx_us == 0) return now_us;
  const uint64_t due = last_tx_us + jittered_us;
  return due < now_us ? now_us : due;
}

// Why a datagram cannot be a valid control packet (§6.8.6 steps 1-6 and the Your Discriminator
// rule of step 7), or kPacketOk.
enum PacketCheck : int {
  kPacketOk = 0,
  kPacketTooShort = 1,
  kPacketVersion = 2,
  kPacketLength = 3,
  kPacketDetectMult = 4,
  kPacketMultipoint = 5,
  kPacketMyDiscriminator = 6,
  kPacketYourDiscriminator = 7,
};

inline uint32_t ReadU32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

inline int CheckControlPacket(const uint8_t* p, size_t n) {
  if (n < 24) return kPacketTooShort;
  if ((p[0] >> 5) != 1) return kPacketVersion;
  const bool auth = (p[1] & 0x04) != 0;
  if (p[3] < (auth ? 26 : 24) || p[3] > n) return kPacketLength;
  if (p[2] == 0) return kPacketDetectMult;
  if ((p[1] & 0x01) != 0) return kPacketMultipoint;
  if (ReadU32(p + 4) == 0) return kPacketMyDiscriminator;
  const int state = p[1] >> 6;
  // Only Down (1) and AdminDown (0) packets may leave Your Discriminator zero.
  if (ReadU32(p + 8) == 0 && state != 0 && state != 1) return kPacketYourDiscriminator;
  return kPacketOk;
}

// The moment the detection time runs out (§6.8.4), or 0 when disarmed.
inline uint64_t DetectionDeadlineUs(uint64_t last_rx_us, uint64_t detection_us) {
  if (detection_us == 0 || last_rx_us == 0) return 0;
  return last_rx_us + detection_us;
}

}  // namespace packet_socket::bfd

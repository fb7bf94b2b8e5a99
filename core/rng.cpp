#include "core/rng.h"

#include <cmath>

#include "core/error.h"
#include "core/hash.h"

namespace upt {
namespace {
inline uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
}  // namespace

std::array<uint32_t, 4> Philox4x32(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  constexpr uint32_t kM0 = 0xD2511F53, kM1 = 0xCD9E8D57, kW0 = 0x9E3779B9, kW1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = uint64_t(kM0) * c[0], p1 = uint64_t(kM1) * c[2];
    c = {uint32_t(p1 >> 32) ^ c[1] ^ k[0], uint32_t(p1), uint32_t(p0 >> 32) ^ c[3] ^ k[1], uint32_t(p0)};
    k[0] += kW0;
    k[1] += kW1;
  }
  return c;
}

RngStream::RngStream(uint64_t seed, std::initializer_list<uint64_t> ids) {
  uint64_t h = Mix(seed);
  for (uint64_t id : ids) h = Mix(h ^ Mix(id + 0x632BE59BD9B4E019ULL));
  key_ = {uint32_t(h), uint32_t(h >> 32)};
}

void RngStream::Refill() {
  out_ = Philox4x32({uint32_t(counter_), uint32_t(counter_ >> 32), 0x5EED, 0}, key_);
  ++counter_;
  used_ = 0;
}

void RngStream::Seek(uint64_t block) {
  counter_ = block;
  used_ = 4;
}

uint32_t RngStream::NextU32() {
  if (used_ == 4) Refill();
  return out_[used_++];
}

uint64_t RngStream::NextU64() {
  uint64_t hi = NextU32();
  return (hi << 32) | NextU32();
}

double RngStream::Uniform() { return (NextU64() >> 11) * 0x1.0p-53; }
float RngStream::UniformFloat() { return (NextU32() >> 8) * 0x1.0p-24f; }

uint64_t RngStream::Below(uint64_t n) {
  UPT_CHECK(n > 0, "Below(0)");
  // Lemire's nearly-divisionless method.
  uint64_t x = NextU64();
  __uint128_t m = __uint128_t(x) * n;
  uint64_t l = uint64_t(m);
  if (l < n) {
    uint64_t t = (0 - n) % n;
    while (l < t) {
      x = NextU64();
      m = __uint128_t(x) * n;
      l = uint64_t(m);
    }
  }
  return uint64_t(m >> 64);
}

double RngStream::Normal() {
  double u1 = Uniform(), u2 = Uniform();
  if (u1 < 1e-300) u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

uint64_t StreamId(std::string_view name) { return Hash64(name, 0x5157); }

}  // namespace upt

// Counter-based random streams (Philox4x32-10, Salmon et al. SC'11).
// A stream is keyed by (seed, id1, id2, ...), e.g. (seed, problem, sample), so
// every draw is independent of threads, batch size and visiting order.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace upt {

class RngStream {
 public:
  // The key mixes the seed and every id; streams with any differing id are independent.
  RngStream(uint64_t seed, std::initializer_list<uint64_t> ids = {});

  uint32_t NextU32();
  uint64_t NextU64();
  double Uniform();                 // [0, 1), 53 random bits
  float UniformFloat();             // [0, 1), 24 random bits
  uint64_t Below(uint64_t n);       // uniform in [0, n), unbiased; n > 0
  double Normal();                  // standard normal (Box-Muller)

  // Skips to draw block `block` (4 x u32 per block); for resuming a stream.
  void Seek(uint64_t block);

 private:
  void Refill();
  std::array<uint32_t, 2> key_;
  uint64_t counter_ = 0;
  std::array<uint32_t, 4> out_{};
  int used_ = 4;
};

// Stable 64-bit id for a string (e.g. a problem id) to use as a stream id.
uint64_t StreamId(std::string_view name);

// Raw Philox4x32-10 block function, exposed for tests against published vectors.
std::array<uint32_t, 4> Philox4x32(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key);

}  // namespace upt

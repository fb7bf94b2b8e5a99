// Content hashes for provenance and integrity checks (SHA-256 via OpenSSL).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace upt {

std::string Sha256Hex(std::string_view data);
// Streams the file; throws upt::Error naming the path when unreadable.
std::string Sha256File(const std::string& path);

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  std::string HexDigest();  // finalises; call once

 private:
  void* ctx_;
};

// Fast non-cryptographic 64-bit hash (for RNG keys and ids), stable across runs.
uint64_t Hash64(std::string_view data, uint64_t seed = 0);

}  // namespace upt

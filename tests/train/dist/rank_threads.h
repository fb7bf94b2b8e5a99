// Test helper: ranks as threads of one process, joined through a c10d FileStore in a
// fresh temporary directory (Gloo on loopback).
#pragma once

#include <unistd.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "train/dist/dist.h"

namespace upt::train::dist {

inline std::string FreshStorePath() {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("upt_dist_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "store").string();
}

// Runs fn(ctx) on `world` threads, one rank each; rethrows the first failure.
inline void RunRanks(int world, const std::function<void(DistContext&)>& fn, int timeout_seconds = 20) {
  const std::string store = FreshStorePath();
  std::vector<std::exception_ptr> errors(world);
  std::vector<std::thread> threads;
  for (int r = 0; r < world; ++r)
    threads.emplace_back([&, r] {
      try {
        Rendezvous rv;
        rv.rank = r;
        rv.world_size = world;
        rv.file_store = store;
        DistContext ctx = DistContext::Create(rv, {timeout_seconds});
        fn(ctx);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  std::filesystem::remove_all(std::filesystem::path(store).parent_path());
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace upt::train::dist

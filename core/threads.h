// Thread-count control for TBB (the one parallel runtime of the torch-free code).
#pragma once

#include <memory>

namespace upt {

// Limits TBB to n threads for the object's lifetime (n <= 0: all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(int n);
  ~ThreadLimit();

 private:
  std::shared_ptr<void> control_;
};

int HardwareThreads();

}  // namespace upt

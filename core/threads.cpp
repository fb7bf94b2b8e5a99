#include "core/threads.h"

#include <tbb/global_control.h>

#include <thread>

namespace upt {

ThreadLimit::ThreadLimit(int n) {
  if (n > 0)
    control_ = std::make_shared<tbb::global_control>(tbb::global_control::max_allowed_parallelism, size_t(n));
}
ThreadLimit::~ThreadLimit() = default;

int HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? int(n) : 1;
}

}  // namespace upt

#include "core/threads.h"

#include <tbb/task_arena.h>

#include <thread>

namespace upt {

void RunWithThreads(int n, const std::function<void()>& work) {
  tbb::task_arena arena(n > 0 ? n : tbb::task_arena::automatic);
  arena.execute(work);
}

int HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? int(n) : 1;
}

}  // namespace upt

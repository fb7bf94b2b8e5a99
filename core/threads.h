// Thread-count control for TBB (the one parallel runtime of the torch-free code).
#pragma once

#include <functional>

namespace upt {

// Runs `work` on the calling thread inside a fresh tbb::task_arena of n slots
// (n <= 0: all cores), so every TBB algorithm it calls uses at most n threads
// (the caller included) without touching the process-wide limit that other
// arenas (other reproduce stages) share. Blocks until `work` and its parallel
// loops end; rethrows what `work` throws.
void RunWithThreads(int n, const std::function<void()>& work);

int HardwareThreads();

}  // namespace upt

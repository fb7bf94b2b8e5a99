// DistContext over c10d::ProcessGroupGloo, or ProcessGroupNCCL in a CUDA build (libtorch 1.13.1's API: Options with a
// timeout, createDeviceFor{Hostname,Interface}, TCPStore / FileStore rendezvous).
#include "train/dist/dist.h"

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef UPT_WITH_NCCL  // set by train/dist/CMakeLists.txt for a CUDA LibTorch
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#include <torch/cuda.h>
#endif

#include "core/error.h"
#include "core/log.h"

namespace upt::train::dist {
namespace {

const char* kEnvHint =
    "set RANK, WORLD_SIZE (and LOCAL_RANK) with MASTER_ADDR/MASTER_PORT, or UPT_DIST_FILESTORE=path; "
    "`upt launch --nproc N -- upt train ...`, torchrun and SLURM (see docs/distributed.md) do this for you";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

int EnvInt(const char* name, int fallback, int min_value) {
  const std::string s = Env(name);
  if (s.empty()) return fallback;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0' || v < min_value || v > 1 << 30)
    throw Error(fmt::format("environment variable {}='{}' is not an integer >= {}", name, s, min_value),
                std::string("env ") + name, kEnvHint);
  return static_cast<int>(v);
}

bool IsLoopback(const std::string& host) {
  return host.empty() || host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

// First line of a c10 / gloo message (they append long C++ backtraces).
std::string FirstLine(const std::string& s) {
  const size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

}  // namespace

Rendezvous RendezvousFromEnvironment() {
  Rendezvous rv;
  rv.world_size = EnvInt("WORLD_SIZE", 1, 1);
  rv.rank = EnvInt("RANK", 0, 0);
  rv.local_rank = EnvInt("LOCAL_RANK", rv.rank, 0);
  rv.master_addr = Env("MASTER_ADDR");
  rv.master_port = EnvInt("MASTER_PORT", 0, 0);
  rv.file_store = Env("UPT_DIST_FILESTORE");
  rv.interface = Env("GLOO_SOCKET_IFNAME");
  if (rv.rank >= rv.world_size)
    throw Error(fmt::format("RANK={} is not below WORLD_SIZE={}", rv.rank, rv.world_size), "env RANK", kEnvHint);
  if (rv.world_size > 1 && rv.file_store.empty() && (rv.master_addr.empty() || rv.master_port <= 0))
    throw Error(fmt::format("WORLD_SIZE={} but no rendezvous: MASTER_ADDR='{}' MASTER_PORT='{}'", rv.world_size,
                            rv.master_addr, Env("MASTER_PORT")),
                "env MASTER_ADDR", kEnvHint);
  if (rv.master_port > 65535)
    throw Error(fmt::format("MASTER_PORT={} is not a TCP port", rv.master_port), "env MASTER_PORT", kEnvHint);
  return rv;
}

namespace {

// UPT_DIST_BACKEND: gloo | nccl | auto (default: nccl when this build has NCCL and a
// GPU is visible, else gloo).
bool UseNccl() {
  const std::string b = Env("UPT_DIST_BACKEND");
  if (!b.empty() && b != "auto" && b != "gloo" && b != "nccl")
    throw Error("UPT_DIST_BACKEND='" + b + "' is not gloo, nccl or auto", "env UPT_DIST_BACKEND");
#ifdef UPT_WITH_NCCL
  if (b == "nccl") return true;
  return b != "gloo" && torch::cuda::is_available();
#else
  if (b == "nccl")
    throw Error("UPT_DIST_BACKEND=nccl but this build has no NCCL (libtorch without CUDA)", "env UPT_DIST_BACKEND",
                "build against a CUDA LibTorch: ./scripts/build -DTorch_DIR=/path/to/libtorch/share/cmake/Torch");
  return false;
#endif
}

}  // namespace

struct DistContext::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;  // ProcessGroupGloo or ProcessGroupNCCL
  bool nccl = false;
  std::chrono::milliseconds timeout{60000};
  int rank = 0, world = 1;

  // Runs one collective and waits; any c10/gloo failure becomes an upt::Error.
  void Run(const char* op, const std::function<c10::intrusive_ptr<c10d::Work>()>& issue) {
    try {
      auto work = issue();
      work->wait(timeout);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw CollectiveError(op, e.what());
    }
  }
  Error CollectiveError(const std::string& op, const std::string& detail) const {
    return Error(fmt::format("rank {}/{}: {} failed: another rank exited or did not respond within {} s", rank,
                             world, op, timeout.count() / 1000.0),
                 "c10d/gloo: " + FirstLine(detail),
                 "look at the other ranks' output for the first error (upt launch prefixes it with [rank i]); "
                 "if a rank is only slow (rank 0 writing a checkpoint, a long generation), raise UPT_DIST_TIMEOUT");
  }
};

DistContext::DistContext() = default;
DistContext::~DistContext() = default;
DistContext::DistContext(DistContext&&) noexcept = default;
DistContext& DistContext::operator=(DistContext&&) noexcept = default;

DistContext DistContext::FromEnvironment(const DistOptions& opts) {
  DistOptions o = opts;
  o.timeout_seconds = EnvInt("UPT_DIST_TIMEOUT", opts.timeout_seconds, 1);
  return Create(RendezvousFromEnvironment(), o);
}

DistContext DistContext::Create(const Rendezvous& rv, const DistOptions& opts) {
  UPT_CHECK(rv.world_size >= 1 && rv.rank >= 0 && rv.rank < rv.world_size, "Rendezvous: bad rank/world_size");
  DistContext ctx;
  ctx.rank_ = rv.rank;
  ctx.world_size_ = rv.world_size;
  ctx.local_rank_ = rv.local_rank;
  ctx.timeout_seconds_ = opts.timeout_seconds;
  if (rv.world_size == 1) return ctx;

  auto impl = std::make_unique<Impl>();
  impl->timeout = std::chrono::milliseconds(1000LL * opts.timeout_seconds);
  impl->rank = rv.rank;
  impl->world = rv.world_size;
  const std::string where = rv.file_store.empty() ? fmt::format("tcp://{}:{}", rv.master_addr, rv.master_port)
                                                  : "file://" + rv.file_store;
  try {
    if (!rv.file_store.empty()) {
      impl->store = c10::make_intrusive<c10d::FileStore>(rv.file_store, rv.world_size);
    } else {
      c10d::TCPStoreOptions so;
      so.port = static_cast<std::uint16_t>(rv.master_port);
      so.isServer = rv.rank == 0;
      so.numWorkers = rv.world_size;
      so.waitWorkers = false;  // the process group's rendezvous below waits, with our timeout
      so.timeout = impl->timeout;
      impl->store = c10::make_intrusive<c10d::TCPStore>(rv.master_addr, so);
    }
    impl->store->setTimeout(impl->timeout);
  } catch (const std::exception& e) {
    throw Error(fmt::format("rank {}/{}: cannot open the rendezvous store {}", rv.rank, rv.world_size, where),
                "c10d: " + FirstLine(e.what()),
                rv.rank == 0 ? "MASTER_PORT may be in use: pick another port (upt launch picks a free one)"
                             : "is rank 0 running and MASTER_ADDR/MASTER_PORT reachable from this host?");
  }
  impl->nccl = UseNccl();
#ifdef UPT_WITH_NCCL
  if (impl->nccl) {
    try {
      auto no = c10d::ProcessGroupNCCL::Options::create();
      no->timeout = impl->timeout;
      impl->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, rv.rank, rv.world_size, no);
    } catch (const std::exception& e) {
      throw Error(fmt::format("rank {}/{}: cannot create the NCCL process group", rv.rank, rv.world_size),
                  "c10d/nccl: " + FirstLine(e.what()), "set UPT_DIST_BACKEND=gloo to use Gloo instead");
    }
    LogDebug("dist: rank {}/{} joined {} (nccl)", rv.rank, rv.world_size, where);
    ctx.impl_ = std::move(impl);
    return ctx;
  }
#endif
  try {
    auto go = c10d::ProcessGroupGloo::Options::create(impl->timeout);
    if (!rv.interface.empty())
      go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(rv.interface));
    else if (IsLoopback(rv.master_addr))
      go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      go->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    impl->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, rv.rank, rv.world_size, go);
  } catch (const std::exception& e) {
    throw Error(fmt::format("rank {}/{}: the other ranks did not all join {} within {} s", rv.rank, rv.world_size,
                            where, opts.timeout_seconds),
                "c10d/gloo: " + FirstLine(e.what()),
                "start all WORLD_SIZE ranks with the same MASTER_ADDR/MASTER_PORT (or UPT_DIST_FILESTORE); "
                "on several hosts set GLOO_SOCKET_IFNAME to the interface they share");
  }
  LogDebug("dist: rank {}/{} joined {} (gloo, timeout {} s)", rv.rank, rv.world_size, where, opts.timeout_seconds);
  ctx.impl_ = std::move(impl);
  return ctx;
}

void DistContext::AllReduceSum(std::vector<at::Tensor>& tensors) {
  if (!distributed() || tensors.empty()) return;
  for (auto& t : tensors) {
    std::vector<at::Tensor> one{t};
    impl_->Run("allreduce", [&] { return impl_->pg->allreduce(one); });
  }
}

void DistContext::AllReduceGradients(const std::vector<at::Tensor>& params, GradReduction how,
                                     std::size_t bucket_bytes) {
  if (!distributed()) return;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  grads.reserve(params.size());
  for (const auto& p : params) {
    at::Tensor& g = const_cast<at::Tensor&>(p).mutable_grad();
    if (!g.defined()) g = at::zeros_like(p);
    grads.push_back(g);
  }
  // Buckets: consecutive grads of one dtype up to bucket_bytes, flattened.
  std::vector<std::vector<size_t>> buckets;
  std::vector<at::Tensor> flats;
  for (size_t i = 0; i < grads.size();) {
    std::vector<size_t> b{i};
    size_t bytes = grads[i].numel() * grads[i].element_size();
    size_t j = i + 1;
    for (; j < grads.size() && grads[j].scalar_type() == grads[i].scalar_type(); ++j) {
      const size_t add = grads[j].numel() * grads[j].element_size();
      if (bytes + add > bucket_bytes) break;
      bytes += add;
      b.push_back(j);
    }
    if (b.size() == 1 && grads[i].is_contiguous()) {
      flats.push_back(grads[i]);  // reduced in place: no copy
    } else {
      std::vector<at::Tensor> parts;
      for (size_t k : b) parts.push_back(grads[k].reshape({-1}));
      flats.push_back(at::cat(parts));
    }
    buckets.push_back(std::move(b));
    i = j;
  }
  // Issue every bucket, then wait: Gloo overlaps them on its worker threads.
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  try {
    for (auto& f : flats) {
      std::vector<at::Tensor> one{f};
      works.push_back(impl_->pg->allreduce(one));
    }
    for (auto& w : works) w->wait(impl_->timeout);
  } catch (const std::exception& e) {
    throw impl_->CollectiveError("all-reduce of gradients", e.what());
  }
  const double scale = how == GradReduction::kMean ? 1.0 / world_size() : 1.0;
  for (size_t bi = 0; bi < buckets.size(); ++bi) {
    if (scale != 1.0) flats[bi].mul_(scale);
    if (flats[bi].is_same(grads[buckets[bi][0]])) continue;
    int64_t off = 0;
    for (size_t k : buckets[bi]) {
      const int64_t n = grads[k].numel();
      grads[k].copy_(flats[bi].narrow(0, off, n).view(grads[k].sizes()));
      off += n;
    }
  }
}

void DistContext::BroadcastParameters(const std::vector<at::Tensor>& params, int root) {
  if (!distributed() || params.empty()) return;
  at::NoGradGuard no_grad;
  c10d::BroadcastOptions bo;
  bo.rootRank = root;
  for (const auto& p : params) {
    std::vector<at::Tensor> one{p.is_contiguous() ? p.detach() : p.detach().contiguous()};
    impl_->Run("broadcast of parameters", [&] { return impl_->pg->broadcast(one, bo); });
    if (!p.is_contiguous()) const_cast<at::Tensor&>(p).copy_(one[0]);
  }
}

namespace {

template <class T>
at::Tensor ToTensor(const std::vector<T>& v, at::ScalarType type) {
  return at::from_blob(const_cast<T*>(v.data()), {static_cast<int64_t>(v.size())}, at::TensorOptions().dtype(type))
      .clone();
}
template <class T>
std::vector<T> FromTensor(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

}  // namespace

std::vector<double> DistContext::AllReduceSum(const std::vector<double>& local) {
  if (!distributed()) return local;
  std::vector<at::Tensor> t{ToTensor(local, at::kDouble)};
  impl_->Run("all-reduce of metrics", [&] { return impl_->pg->allreduce(t); });
  return FromTensor<double>(t[0]);
}

std::vector<std::int64_t> DistContext::AllReduceSum(const std::vector<std::int64_t>& local) {
  if (!distributed()) return local;
  std::vector<at::Tensor> t{ToTensor(local, at::kLong)};
  impl_->Run("all-reduce of counts", [&] { return impl_->pg->allreduce(t); });
  return FromTensor<std::int64_t>(t[0]);
}

namespace {

// Variable-length all-gather: lengths first, then every vector padded to the max.
template <class T>
std::vector<T> GatherVectors(DistContext::Impl& impl, const std::vector<T>& local, at::ScalarType type) {
  const int world = impl.world;
  std::vector<at::Tensor> len_in{at::full({1}, static_cast<int64_t>(local.size()), at::kLong)};
  std::vector<std::vector<at::Tensor>> len_out(1);
  for (int r = 0; r < world; ++r) len_out[0].push_back(at::empty({1}, at::kLong));
  impl.Run("all-gather", [&] { return impl.pg->allgather(len_out, len_in); });
  int64_t max_len = 1;
  for (const auto& l : len_out[0]) max_len = std::max(max_len, l.item<int64_t>());
  std::vector<at::Tensor> in{at::zeros({max_len}, type)};
  if (!local.empty()) in[0].narrow(0, 0, static_cast<int64_t>(local.size())).copy_(ToTensor(local, type));
  std::vector<std::vector<at::Tensor>> out(1);
  for (int r = 0; r < world; ++r) out[0].push_back(at::empty({max_len}, type));
  impl.Run("all-gather", [&] { return impl.pg->allgather(out, in); });
  std::vector<T> all;
  for (int r = 0; r < world; ++r) {
    const auto part = FromTensor<T>(out[0][r].narrow(0, 0, len_out[0][r].item<int64_t>()));
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

}  // namespace

std::vector<double> DistContext::AllGather(const std::vector<double>& local) {
  return distributed() ? GatherVectors(*impl_, local, at::kDouble) : local;
}

std::vector<std::int64_t> DistContext::AllGather(const std::vector<std::int64_t>& local) {
  return distributed() ? GatherVectors(*impl_, local, at::kLong) : local;
}

const char* DistContext::backend() const {
  if (!distributed()) return "none";
  return impl_->nccl ? "nccl" : "gloo";
}

at::Tensor DistContext::ReduceScatterSum(const at::Tensor& flat) {
  if (!distributed()) return flat;
  UPT_CHECK(flat.numel() % world_size_ == 0, "ReduceScatterSum: buffer not divisible by world size");
  const int64_t n = flat.numel() / world_size_;
  if (impl_->nccl) {
    std::vector<at::Tensor> out{at::empty({n}, flat.options())};
    std::vector<std::vector<at::Tensor>> in(1);
    for (int r = 0; r < world_size_; ++r) in[0].push_back(flat.narrow(0, r * n, n));
    impl_->Run("reduce-scatter of gradients", [&] { return impl_->pg->reduce_scatter(out, in); });
    return out[0];
  }
  std::vector<at::Tensor> one{flat};  // Gloo: no reduce_scatter in ProcessGroupGloo (1.13)
  impl_->Run("all-reduce of gradients", [&] { return impl_->pg->allreduce(one); });
  return flat.narrow(0, rank_ * n, n);
}

at::Tensor DistContext::AllGatherShards(const at::Tensor& shard) {
  if (!distributed()) return shard;
  std::vector<at::Tensor> in{shard.contiguous()};
  std::vector<std::vector<at::Tensor>> out(1);
  for (int r = 0; r < world_size_; ++r) out[0].push_back(at::empty_like(in[0]));
  impl_->Run("all-gather of parameters", [&] { return impl_->pg->allgather(out, in); });
  return at::cat(out[0]);
}

void DistContext::Barrier() {
  if (!distributed()) return;
  c10d::BarrierOptions bo;
  bo.timeout = impl_->timeout;
  impl_->Run("barrier", [&] { return impl_->pg->barrier(bo); });
}

}  // namespace upt::train::dist

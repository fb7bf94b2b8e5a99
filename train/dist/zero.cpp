#include "train/dist/zero.h"

#include <cmath>
#include <sstream>

#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"

namespace upt::train::dist {

// The flat parameter space [0, N) is cut into buckets of at most `bucket` values;
// bucket b = [begin, begin + size) is padded to world * n and rank r owns
// [begin + r n, begin + (r + 1) n) of it. Transient buffers are per bucket, so a step
// never holds more than one bucket's float32 gradient/parameter copy.
struct ShardedAdamW::Impl {
  struct Bucket {
    int64_t begin = 0, size = 0, n = 0;
    torch::Tensor master, exp_avg, exp_avg_sq;  // [n] float32: this rank's slice
    torch::Tensor grad;                          // [n] float32: summed gradient slice (ReduceGradients)
  };
  std::vector<torch::Tensor> params;
  std::vector<int64_t> offset;  // flat offset of each parameter
  AdamWConfig cfg;
  DistContext* dist = nullptr;
  bool shard = true;
  int world = 1, rank = 0;
  int64_t total = 0;
  std::vector<Bucket> buckets;
  int64_t step = 0;
  bool pending = false;  // buckets hold reduced gradient slices

  int Slices() const { return shard ? world : 1; }
  int64_t Own(const Bucket& b) const { return shard ? rank * b.n : 0; }  // slice start inside the bucket
  torch::TensorOptions Options() const {  // float32 on the parameters' device (CUDA tensors for NCCL)
    return torch::TensorOptions().dtype(torch::kFloat32).device(params.empty() ? torch::kCPU : params[0].device());
  }

  // Flat values [begin, begin + size) of the parameters (or their grads) as float32 into dst[0, size).
  void Read(bool grads, int64_t begin, int64_t size, torch::Tensor& dst) const {
    for (size_t i = 0; i < params.size(); ++i) {
      const int64_t lo = std::max(begin, offset[i]), hi = std::min(begin + size, offset[i] + params[i].numel());
      if (lo >= hi) continue;
      const auto& t = grads ? params[i].grad() : params[i];
      if (!t.defined()) continue;  // no gradient = zeros
      dst.narrow(0, lo - begin, hi - lo).copy_(t.detach().reshape({-1}).narrow(0, lo - offset[i], hi - lo));
    }
  }
  void Write(int64_t begin, int64_t size, const torch::Tensor& src) {
    torch::NoGradGuard ng;
    for (size_t i = 0; i < params.size(); ++i) {
      const int64_t lo = std::max(begin, offset[i]), hi = std::min(begin + size, offset[i] + params[i].numel());
      if (lo >= hi) continue;
      params[i].view({-1}).narrow(0, lo - offset[i], hi - lo).copy_(src.narrow(0, lo - begin, hi - lo));
    }
  }
  torch::Tensor Padded(const Bucket& b, bool grads) const {
    auto flat = torch::zeros({Slices() * b.n}, Options());
    Read(grads, b.begin, b.size, flat);
    return flat;
  }

  // This rank's slice [n] of bucket b's gradient summed over ranks (already summed in
  // .grad when grads_reduced): reduce-scatter when sharded, else all-reduce (the
  // identity on one rank).
  torch::Tensor SummedSlice(const Bucket& b, bool grads_reduced) const {
    auto flat = Padded(b, /*grads=*/true);
    if (grads_reduced) return flat.narrow(0, Own(b), b.n);
    if (shard) return dist->ReduceScatterSum(flat);
    std::vector<at::Tensor> one{flat};
    dist->AllReduceSum(one);
    return flat;
  }

  // torch::optim::AdamW::step on one slice (decoupled decay, bias-corrected moments).
  void Update(Bucket& b, const torch::Tensor& g) const {
    b.master.mul_(1 - cfg.lr * cfg.weight_decay);
    b.exp_avg.mul_(cfg.beta1).add_(g, 1 - cfg.beta1);
    b.exp_avg_sq.mul_(cfg.beta2).addcmul_(g, g, 1 - cfg.beta2);
    const double bc1 = 1 - std::pow(cfg.beta1, static_cast<double>(step));
    const double bc2 = 1 - std::pow(cfg.beta2, static_cast<double>(step));
    auto denom = (b.exp_avg_sq.sqrt() / std::sqrt(bc2)).add_(cfg.eps);
    b.master.addcdiv_(b.exp_avg, denom, -cfg.lr / bc1);
  }

  // The whole [N] of one state tensor (collective when sharded).
  torch::Tensor Whole(torch::Tensor Bucket::*field) const {
    std::vector<torch::Tensor> parts;
    for (const auto& b : buckets) {
      auto full = shard ? dist->AllGatherShards(b.*field) : b.*field;
      parts.push_back(full.narrow(0, 0, b.size).cpu());
    }
    return parts.empty() ? torch::zeros({0}) : torch::cat(parts);
  }
};

ShardedAdamW::ShardedAdamW(const std::vector<at::Tensor>& params, const AdamWConfig& config, DistContext* dist,
                           bool shard, int64_t bucket_values)
    : impl_(std::make_unique<Impl>()) {
  UPT_CHECK(dist != nullptr && bucket_values > 0, "ShardedAdamW needs a DistContext and a positive bucket size");
  auto& im = *impl_;
  im.params = params;
  im.cfg = config;
  im.dist = dist;
  im.world = dist->world_size();
  im.rank = dist->rank();
  im.shard = shard && im.world > 1;
  for (const auto& p : params) {
    UPT_CHECK(p.is_contiguous(), "ShardedAdamW: parameters must be contiguous");
    im.offset.push_back(im.total);
    im.total += p.numel();
  }
  for (int64_t begin = 0; begin < im.total; begin += bucket_values) {
    Impl::Bucket b;
    b.begin = begin;
    b.size = std::min(bucket_values, im.total - begin);
    b.n = (b.size + im.Slices() - 1) / im.Slices();
    b.master = im.Padded(b, false).narrow(0, im.Own(b), b.n).clone();
    b.exp_avg = torch::zeros({b.n}, im.Options());
    b.exp_avg_sq = torch::zeros({b.n}, im.Options());
    im.buckets.push_back(std::move(b));
  }
}

ShardedAdamW::~ShardedAdamW() = default;

void ShardedAdamW::set_lr(double lr) { impl_->cfg.lr = lr; }
double ShardedAdamW::lr() const { return impl_->cfg.lr; }
int64_t ShardedAdamW::numel() const { return impl_->total; }
int64_t ShardedAdamW::steps() const { return impl_->step; }
bool ShardedAdamW::sharded() const { return impl_->shard; }
int64_t ShardedAdamW::shard_numel() const {
  int64_t n = 0;
  for (const auto& b : impl_->buckets) n += b.n;
  return n;
}
at::Tensor ShardedAdamW::master() const {
  std::vector<torch::Tensor> parts;
  for (const auto& b : impl_->buckets) parts.push_back(b.master);
  return torch::cat(parts);
}

void ShardedAdamW::ZeroGrad() {
  for (auto& p : impl_->params) {
    if (p.grad().defined()) p.mutable_grad().zero_();
    else p.mutable_grad() = torch::zeros_like(p);
  }
}

void ShardedAdamW::Step(bool grads_reduced) {
  auto& im = *impl_;
  torch::NoGradGuard ng;
  ++im.step;
  for (auto& b : im.buckets) {
    im.Update(b, im.pending ? b.grad : im.SummedSlice(b, grads_reduced));
    b.grad = torch::Tensor();
    im.Write(b.begin, b.size, im.shard ? im.dist->AllGatherShards(b.master) : b.master);
  }
  im.pending = false;
}

double ShardedAdamW::ReduceGradients() {
  auto& im = *impl_;
  torch::NoGradGuard ng;
  double sumsq = 0;
  size_t released = 0;
  for (auto& b : im.buckets) {
    b.grad = im.SummedSlice(b, /*grads_reduced=*/false);
    if (im.shard) b.grad = b.grad.clone();  // Gloo's slice is a view of the whole bucket
    const double norm = b.grad.norm().item<double>();
    sumsq += norm * norm;
    // The slices hold the gradient now: release every .grad the buckets so far cover,
    // so the float32 slices replace the gradients instead of adding to them.
    for (; released < im.params.size() && im.offset[released] + im.params[released].numel() <= b.begin + b.size;
         ++released)
      im.params[released].mutable_grad().reset();
  }
  if (im.shard) sumsq = im.dist->AllReduceSum(std::vector<double>{sumsq})[0];
  im.pending = true;
  return std::sqrt(sumsq);
}

void ShardedAdamW::ScaleGradients(double factor) {
  UPT_CHECK(impl_->pending, "ShardedAdamW::ScaleGradients before ReduceGradients");
  for (auto& b : impl_->buckets) b.grad.mul_(factor);
}

void ShardedAdamW::DropGradients() {
  for (auto& b : impl_->buckets) b.grad = torch::Tensor();
  impl_->pending = false;
}

bool ShardedAdamW::has_reduced_gradients() const { return impl_->pending; }

namespace {

struct WholeState {
  torch::Tensor master, exp_avg, exp_avg_sq;  // [N] float32 on the CPU
  int64_t step = 0;
  void Write(torch::serialize::OutputArchive& ar) const {
    ar.write("master", master);
    ar.write("exp_avg", exp_avg);
    ar.write("exp_avg_sq", exp_avg_sq);
    ar.write("step", torch::full({1}, step, torch::kInt64));
  }
};

WholeState Gather(ShardedAdamW::Impl& im) {
  return {im.Whole(&ShardedAdamW::Impl::Bucket::master), im.Whole(&ShardedAdamW::Impl::Bucket::exp_avg),
          im.Whole(&ShardedAdamW::Impl::Bucket::exp_avg_sq), im.step};
}

}  // namespace

void ShardedAdamW::SaveWhole(const std::string& path) {
  WholeState s = Gather(*impl_);
  if (!impl_->dist->is_main()) return;
  torch::serialize::OutputArchive ar;
  s.Write(ar);
  std::ostringstream os;
  ar.save_to(os);
  WriteFileAtomic(path, os.str());
}

void ShardedAdamW::LoadWhole(const std::string& path) {
  if (!FileExists(path)) throw Error("missing optimizer state", path, "resume from a complete checkpoint directory");
  torch::serialize::InputArchive ar;
  ar.load_from(path);
  LoadArchive(ar, path);
}

void ShardedAdamW::LoadArchive(torch::serialize::InputArchive& ar, const std::string& path) {
  auto& im = *impl_;
  torch::Tensor master, m, v, step;
  ar.read("master", master);
  ar.read("exp_avg", m);
  ar.read("exp_avg_sq", v);
  ar.read("step", step);
  if (master.numel() != im.total)
    throw Error("optimizer state holds " + std::to_string(master.numel()) + " values, the model " +
                    std::to_string(im.total),
                path, "the checkpoint belongs to another model");
  for (auto& b : im.buckets) {
    auto slice = [&](const torch::Tensor& whole) {
      auto padded = torch::zeros({im.Slices() * b.n}, im.Options());
      padded.narrow(0, 0, b.size).copy_(whole.narrow(0, b.begin, b.size));
      return padded.narrow(0, im.Own(b), b.n).clone();
    };
    b.master = slice(master);
    b.exp_avg = slice(m);
    b.exp_avg_sq = slice(v);
    im.Write(b.begin, b.size, master.narrow(0, b.begin, b.size).to(im.Options()));
  }
  im.step = step.item<int64_t>();
}

namespace {

// torch::optim::Optimizer facade (see zero.h). The learning rate lives in the param
// group's AdamWOptions so loops that set it there keep working.
class ZeroAdamW : public torch::optim::Optimizer {
 public:
  ZeroAdamW(const std::vector<at::Tensor>& params, const AdamWConfig& cfg, DistContext* dist, bool shard,
            bool grads_reduced)
      : Optimizer({torch::optim::OptimizerParamGroup(params)},
                  std::make_unique<torch::optim::AdamWOptions>(cfg.lr)),
        impl_(params, cfg, dist, shard),
        grads_reduced_(grads_reduced) {}

  torch::Tensor step(LossClosure closure) override {
    torch::Tensor loss;
    if (closure) {
      torch::AutoGradMode on(true);
      loss = closure();
    }
    impl_.set_lr(param_groups()[0].options().get_lr());
    impl_.Step(grads_reduced_);
    return loss;
  }
  void GatherForSave() { cached_ = Gather(*impl_.impl()); }
  void save(torch::serialize::OutputArchive& ar) const override {
    if (impl_.sharded()) {
      UPT_CHECK(cached_.master.defined(), "ZeroAdamW: call GatherOptimizerForSave on every rank before saving");
      cached_.Write(ar);
      cached_ = {};
    } else {
      Gather(*impl_.impl()).Write(ar);
    }
  }
  void load(torch::serialize::InputArchive& ar) override { impl_.LoadArchive(ar, "optimizer state"); }
  ShardedAdamW& sharded_adamw() { return impl_; }

 private:
  ShardedAdamW impl_;
  bool grads_reduced_;
  mutable WholeState cached_;
};

}  // namespace

std::unique_ptr<torch::optim::Optimizer> MakeZeroAdamW(const std::vector<at::Tensor>& params, const AdamWConfig& config,
                                                       DistContext* dist, bool shard, bool grads_reduced) {
  return std::make_unique<ZeroAdamW>(params, config, dist, shard, grads_reduced);
}

ShardedAdamW* ZeroOptimizerOf(torch::optim::Optimizer& optimizer) {
  auto* z = dynamic_cast<ZeroAdamW*>(&optimizer);
  return z ? &z->sharded_adamw() : nullptr;
}

void GatherOptimizerForSave(torch::optim::Optimizer& optimizer) {
  if (auto* z = dynamic_cast<ZeroAdamW*>(&optimizer)) z->GatherForSave();
}

}  // namespace upt::train::dist

"""Benchmark: the full training step and batch-1 `predict_action`, ours against a diffusers-driven baseline, in one run.

Ours: `Trainer._update`, the step the library runs (windows sampled by index arithmetic in the buffer on the training device,
precomputed schedule tables, the time-embedding table, the masked loss, backward, gradient clipping, fused AdamW, EMA), and
`DiffusionPolicy.predict_action` (the conditioned fast plan; `--compile` also times the compiled loop), and the same
for distilled one- and two-step students of the network (05i_distill). Baseline: the same
network, normalizers and loss, with windows built one sample at a time by a `Dataset.__getitem__` and collated by a
`DataLoader` (see bench/buffer.py), noise added by diffusers' `DDPMScheduler.add_noise`, gradient clipping, torch's default
AdamW and diffusers' `EMAModel`; inference driven by diffusers' `DDIMScheduler` / `DDPMScheduler` step loops. Every speed-up
is a ratio measured in the same process; `*_without_<switch>` times ours with one config switch off. Prints one JSON object.

    python bench/speed.py                      # default quick-start network (MLP, hidden 256) on the CPU
    python bench/speed.py --denoiser unet --hidden-dim 64 --seconds 3
    python bench/speed.py --compile            # also time the torch.compile'd sampling loop
    python bench/speed.py --train-only --denoiser unet --hidden-dim 32   # the training step alone, another network
"""
from __future__ import annotations
import argparse, copy, importlib.util, json, statistics, time
from pathlib import Path

import numpy as np
import torch

from diffusion_policy_nb.trainer import Trainer

_spec = importlib.util.spec_from_file_location("bench_buffer", Path(__file__).with_name("buffer.py"))
_bb = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(_bb)
WindowDataset = _bb.WindowDataset


def timeit(fn, seconds: float, sync=lambda: None, min_reps: int = 5) -> float:
    "Median seconds per call of `fn` over repeats filling about `seconds` (after warm-up)."
    for _ in range(3): fn()
    sync(); times, t_end = [], time.perf_counter() + seconds
    while time.perf_counter() < t_end or len(times) < min_reps:
        t0 = time.perf_counter(); fn(); sync(); times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--denoiser", default="mlp", choices=("mlp", "unet"))
    ap.add_argument("--hidden-dim", type=int, default=256)
    ap.add_argument("--obs-horizon", type=int, default=2); ap.add_argument("--action-horizon", type=int, default=8)
    ap.add_argument("--batch", type=int, default=256); ap.add_argument("--T", type=int, default=50)
    ap.add_argument("--transitions", type=int, default=50_000)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--device", default="cpu"); ap.add_argument("--compile", action="store_true")
    ap.add_argument("--no-ablation", action="store_true", help="skip the runs with one optimisation switched off")
    ap.add_argument("--train-only", action="store_true", help="time the training step only (no ablations, no inference)")
    args = ap.parse_args(argv)
    from diffusers import DDIMScheduler, DDPMScheduler
    from diffusers.training_utils import EMAModel
    dev = torch.device(args.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    To, Tp, B, T = args.obs_horizon, args.action_horizon, args.batch, args.T
    Do, Da = 3, 1                                                       # Pendulum-v1's sizes (the Trainer needs an env)

    rng = np.random.default_rng(0)
    obs = rng.uniform(-1, 1, (args.transitions, Do)).astype(np.float32)
    act = rng.uniform(-2, 2, (args.transitions, Da)).astype(np.float32)
    ends = np.arange(200, args.transitions + 1, 200)

    def make_trainer(**over):
        "A Trainer whose buffer holds the benchmark data; its `_update` is the full training step the library runs."
        tr = Trainer("diffusion", "Pendulum-v1", seed=0, config=dict(
            denoiser=args.denoiser, hidden_dim=args.hidden_dim, batch_size=B, n_diffusion_steps=T, obs_horizon=To,
            action_horizon=Tp, n_action_steps=Tp, lr_warmup=0, log_every=10**9, sample_temperature=1.0,
            device=args.device, **over))
        tr.buffer.extend(obs, act, ends)
        tr.state.call = dict(start_update=0, target_updates=10**9, target_env_steps=0)
        return tr

    tr = make_trainer()
    pol, model = tr.policy, tr.model
    res = dict(device=str(dev), torch_threads=torch.get_num_threads(), denoiser=args.denoiser, hidden_dim=args.hidden_dim,
               params=sum(p.numel() for p in model.parameters()), batch=B, T=T, To=To, Tp=Tp, Do=Do, Da=Da)

    # ---- the full training step: ours is Trainer._update (sample, loss, backward, clip, AdamW, EMA) -------------------
    tr._update()                                                        # fits the normalisers
    res["train_step_ms_ours"] = 1e3 * timeit(tr._update, args.seconds, sync)

    # ---- baseline: per-sample DataLoader + diffusers add_noise, torch's default AdamW, diffusers' EMAModel -------------
    base_model = copy.deepcopy(model)
    for m in base_model.modules():                                      # the baseline runs the time MLP per window
        if hasattr(m, "n_timesteps"): m.n_timesteps = None
    opt = torch.optim.AdamW(base_model.parameters(), lr=1e-4, weight_decay=1e-6)
    ema = EMAModel(base_model.parameters(), decay=0.999)
    ds = WindowDataset(obs, act, ends, To, Tp)
    loader = torch.utils.data.DataLoader(ds, batch_size=B, num_workers=0, sampler=torch.utils.data.RandomSampler(
        ds, replacement=True, num_samples=10**9, generator=torch.Generator().manual_seed(0)))
    it = iter(loader)
    dsched = DDPMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2", clip_sample=True)
    def step_base():
        b = {k: v.to(dev) for k, v in next(it).items()}
        o = pol.obs_normalizer.normalize(b["obs"]); x0 = pol.action_normalizer.normalize(b["action"])
        noise = torch.randn_like(x0); t = torch.randint(0, T, (B,), device=dev)
        xt = dsched.add_noise(x0, noise, t)
        pred = base_model(xt, t, {"obs": o})
        m = b["action_mask"].float()[..., None]
        loss = ((pred - noise).square() * m).sum() / (m.sum() * Da)
        opt.zero_grad(set_to_none=True); loss.backward()
        torch.nn.utils.clip_grad_norm_(base_model.parameters(), 1.0)
        opt.step(); ema.step(base_model.parameters())
    res["train_step_ms_baseline"] = 1e3 * timeit(step_base, args.seconds, sync)
    # the network alone (forward + backward on a fixed batch): the cost both pipelines share, and its FLOP rate
    from torch.utils.flop_counter import FlopCounterMode
    fixed = tr.buffer.sample(B, To, Tp, generator=tr.gen)
    def net_fwd_bwd():
        tr.opt.zero_grad(set_to_none=tr.optim.flat is None); pol.compute_loss(fixed, tr.gen, model=model).backward()
    with FlopCounterMode(display=False) as fc: net_fwd_bwd()
    res["network_fwd_bwd_ms"] = 1e3 * timeit(net_fwd_bwd, args.seconds, sync)
    res["network_gflop_per_step"] = fc.get_total_flops() / 1e9
    res["network_gflops_per_s"] = res["network_gflop_per_step"] / res["network_fwd_bwd_ms"] * 1e3
    res["train_gflops_per_s_ours"] = res["network_gflop_per_step"] / res["train_step_ms_ours"] * 1e3
    big = torch.randn(2048, 2048, device=dev)                         # what this device's fp32 matmul achieves at a large size
    res["matmul2048_gflops_per_s"] = 2 * 2048**3 / timeit(lambda: big @ big, min(args.seconds, 1.0), sync) / 1e9
    res["train_fraction_of_matmul_peak"] = res["train_gflops_per_s_ours"] / res["matmul2048_gflops_per_s"]
    res["overhead_ms_ours"] = res["train_step_ms_ours"] - res["network_fwd_bwd_ms"]
    res["overhead_ms_baseline"] = res["train_step_ms_baseline"] - res["network_fwd_bwd_ms"]
    res["train_samples_per_s_ours"] = B / res["train_step_ms_ours"] * 1e3
    res["train_samples_per_s_baseline"] = B / res["train_step_ms_baseline"] * 1e3
    res["train_speedup"] = res["train_step_ms_baseline"] / res["train_step_ms_ours"]
    if args.train_only: return _report(res)
    if not args.no_ablation:                                            # each optimisation switched off, one at a time
        for key in ("flat_params", "fused_optimizer", "time_table"):
            t2 = make_trainer(**{key: False}); t2._update()
            res[f"train_step_ms_ours_without_{key}"] = 1e3 * timeit(t2._update, args.seconds, sync)

    # ---- inference at batch 1: predict_action --------------------------------------------------------------------
    model.eval()
    hist = torch.as_tensor(obs[:To]).to(dev)
    def diffusers_predict(sched, n):
        sched.set_timesteps(n)
        with torch.inference_mode():
            o = pol.obs_normalizer.normalize(hist)[None]
            x = torch.randn(1, Tp, Da, device=dev)
            for t in sched.timesteps:
                x = sched.step(model(x, t.to(dev).expand(1), {"obs": o}), t, x).prev_sample
            return pol.action_normalizer.unnormalize(x.clamp(-1, 1))[0, :Tp]
    ddim = DDIMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2", clip_sample=True, set_alpha_to_one=True,
                         timestep_spacing="trailing")
    ddpm = DDPMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2", clip_sample=True)
    for name, sampler, n, base in (("ddim10", "ddim", 10, ddim), ("ddim5", "ddim", 5, ddim), (f"ddpm{T}", "ddpm", T, ddpm)):
        pol.scheduler.set_timesteps(n, sampler)
        res[f"predict_ms_{name}_ours"] = 1e3 * timeit(lambda: pol.predict_action(hist), args.seconds, sync)
        res[f"predict_ms_{name}_diffusers"] = 1e3 * timeit(lambda: diffusers_predict(base, n), args.seconds, sync)
        res[f"predict_speedup_{name}"] = res[f"predict_ms_{name}_diffusers"] / res[f"predict_ms_{name}_ours"]
    pol.scheduler.set_timesteps(10, "ddim")
    # distilled students (05i_distill, `Trainer.distill`) of this network: 1 and 2 evaluations per plan (the cost does
    # not depend on how long the student trained, so one update makes one); batch 1 and plans per second at `--batch`
    many = torch.as_tensor(obs[: To * B]).view(B, To, Do).to(dev)
    res[f"plans_per_s_ddim10_ours_b{B}"] = B / timeit(lambda: pol.predict_action(many), args.seconds, sync)
    for k in (1, 2):
        stu = tr.distill(1, k, config=dict(progress=False)).ema_policy()
        res[f"predict_ms_student{k}_ours"] = 1e3 * timeit(lambda: stu.predict_action(hist), args.seconds, sync)
        res[f"predict_speedup_student{k}_vs_ddim10_ours"] = (res["predict_ms_ddim10_ours"]
                                                             / res[f"predict_ms_student{k}_ours"])
        res[f"predict_speedup_student{k}_vs_ddim10_diffusers"] = (res["predict_ms_ddim10_diffusers"]
                                                                  / res[f"predict_ms_student{k}_ours"])
        res[f"plans_per_s_student{k}_ours_b{B}"] = B / timeit(lambda: stu.predict_action(many), args.seconds, sync)
    if not args.no_ablation and args.denoiser == "mlp":
        pol.fast_plan = False
        res["predict_ms_ddim10_ours_without_fast_plan"] = 1e3 * timeit(lambda: pol.predict_action(hist), args.seconds, sync)
        pol.fast_plan = True
    if args.compile and args.denoiser == "mlp":
        g = lambda: torch.Generator(device=dev).manual_seed(0)
        eager = pol.predict_action(hist, generator=g())
        t0 = time.perf_counter(); pol.compile_plan(); comp = pol.predict_action(hist, generator=g())
        res["compile_seconds"] = time.perf_counter() - t0
        res["compiled_max_abs_diff"] = float((eager - comp).abs().max())
        res["predict_ms_ddim10_ours_compiled"] = 1e3 * timeit(lambda: pol.predict_action(hist), args.seconds, sync)
        res["predict_speedup_ddim10_compiled"] = res["predict_ms_ddim10_diffusers"] / res["predict_ms_ddim10_ours_compiled"]
        pol.compile_plan(False)
    return _report(res)


def _report(res: dict) -> dict:
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()}, indent=1))
    return res


if __name__ == "__main__":
    main()

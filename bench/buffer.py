"""Benchmark: replay-buffer windows sampled per second, vectorized `ReplayBuffer.sample` against a per-sample sampler.

The reference is what a torch `DataLoader` over a `Dataset.__getitem__` does: one window built per position with numpy
(the same clamping and mask rules as `ReplayBuffer.windows`), then collated into a batch. Both are run in the same process
on the same data, and their windows are checked to be identical before timing. On CUDA, the vectorized sampler draws
positions and gathers on the GPU; the reference builds batches on the host and copies them to the GPU, as a training loop
with a DataLoader would.

    python bench/buffer.py                       # CPU, and CUDA when available
    python bench/buffer.py --seconds 1 --batch 256 --obs-horizon 2 --action-horizon 16
"""
from __future__ import annotations
import argparse, json, time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler

from diffusion_policy_nb.buffer import ReplayBuffer


class WindowDataset(Dataset):
    "Per-sample windows with `ReplayBuffer.windows`' semantics, in numpy, one position per `__getitem__`."
    def __init__(self, obs: np.ndarray, action: np.ndarray, episode_ends: np.ndarray, To: int, Tp: int):
        self.obs, self.action, self.To, self.Tp = obs, action, To, Tp
        starts = np.concatenate([[0], episode_ends[:-1]])
        self.ep_start, self.ep_end = np.repeat(starts, episode_ends - starts), np.repeat(episode_ends, episode_ends - starts)

    def __len__(self): return len(self.obs)

    def __getitem__(self, p: int) -> dict:
        s, e = self.ep_start[p], self.ep_end[p]
        oi = np.maximum(np.arange(p - self.To + 1, p + 1), s)
        ai = np.arange(p, p + self.Tp)
        mask = ai < e
        return {"obs": self.obs[oi], "action": self.action[np.minimum(ai, e - 1)], "action_mask": mask}


def rate(step, seconds: float, batch: int, sync=lambda: None) -> float:
    "Windows per second of `step()` (one batch per call), after a short warm-up."
    for _ in range(3): step()
    sync(); n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step(); n += 1
    sync()
    return n * batch / (time.perf_counter() - t0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transitions", type=int, default=100_000)
    ap.add_argument("--episode-length", type=int, default=200)
    ap.add_argument("--obs-dim", type=int, default=3)
    ap.add_argument("--action-dim", type=int, default=1)
    ap.add_argument("--obs-horizon", type=int, default=2)
    ap.add_argument("--action-horizon", type=int, default=16)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON line")
    args = ap.parse_args(argv)
    B, To, Tp = args.batch, args.obs_horizon, args.action_horizon

    rng = np.random.default_rng(0)
    obs = rng.normal(size=(args.transitions, args.obs_dim)).astype(np.float32)
    action = rng.normal(size=(args.transitions, args.action_dim)).astype(np.float32)
    ends = np.arange(args.episode_length, args.transitions + 1, args.episode_length)
    if ends[-1] != args.transitions: ends = np.append(ends, args.transitions)
    buf = ReplayBuffer(args.transitions, args.obs_dim, args.action_dim).extend(obs, action, ends)
    ds = WindowDataset(obs, action, ends, To, Tp)

    # Same semantics: the vectorized windows equal the per-sample ones at the same positions.
    idx = torch.randint(len(buf), (B,), generator=torch.Generator().manual_seed(0))
    w = buf.windows(idx, To, Tp)
    ref = torch.utils.data.default_collate([ds[int(i)] for i in idx])
    for k in ("obs", "action", "action_mask"):
        assert torch.equal(w[k], ref[k]), f"semantics differ on {k}"

    g = torch.Generator().manual_seed(0)
    loader = DataLoader(ds, batch_size=B, sampler=RandomSampler(ds, replacement=True, num_samples=10**9, generator=g), num_workers=0)
    it = iter(loader)
    results = {"batch": B, "obs_horizon": To, "action_horizon": Tp, "transitions": args.transitions,
               "obs_dim": args.obs_dim, "action_dim": args.action_dim, "torch_threads": torch.get_num_threads()}
    results["cpu_vectorized"] = rate(lambda: buf.sample(B, To, Tp, generator=g), args.seconds, B)
    results["cpu_per_sample_dataloader"] = rate(lambda: next(it), args.seconds, B)
    results["cpu_ratio"] = results["cpu_vectorized"] / results["cpu_per_sample_dataloader"]

    if torch.cuda.is_available():
        gc = torch.Generator(device="cuda"); gc.manual_seed(0)
        buf.to("cuda")
        sync = torch.cuda.synchronize
        results["cuda_device"] = torch.cuda.get_device_name()
        results["cuda_vectorized"] = rate(lambda: buf.sample(B, To, Tp, generator=gc), args.seconds, B, sync)
        def ref_cuda():
            batch = next(it)
            return {k: v.to("cuda", non_blocking=True) for k, v in batch.items()}
        results["cuda_per_sample_dataloader"] = rate(ref_cuda, args.seconds, B, sync)
        results["cuda_ratio"] = results["cuda_vectorized"] / results["cuda_per_sample_dataloader"]

    if args.json: print(json.dumps(results)); return results
    print(f"windows/s at batch {B}, To={To}, Tp={Tp}, {args.transitions} transitions, obs_dim={args.obs_dim}, "
          f"action_dim={args.action_dim}, torch threads={results['torch_threads']}")
    for dev in ("cpu", "cuda"):
        if f"{dev}_vectorized" in results:
            print(f"  {dev:4s}  vectorized ReplayBuffer.sample: {results[f'{dev}_vectorized']:>12,.0f}   "
                  f"per-sample Dataset + DataLoader: {results[f'{dev}_per_sample_dataloader']:>10,.0f}   "
                  f"ratio: {results[f'{dev}_ratio']:.1f}x")
    return results


if __name__ == "__main__":
    main()

"""Benchmark: image training throughput (frames per second through data path + encoder + denoiser + AdamW), the
package's pipeline against a reference-style one on the same networks, in the same process.

Ours: the frames stay uint8 in the `ReplayBuffer` on the training device; one batched gather cuts the windows, the
vision encoder crops the whole batch (uint8), converts it to float and runs the backbone (`03b_vision`, `04a_encoder`).

Reference-style (real-stanford's `PushTImageDataset` + robomimic's crop, as a torch user writes it): a `Dataset` whose
`__getitem__` cuts one window with numpy, converts its frames to float CHW / 255 and crops them at a random corner, then
a `DataLoader` collates the batch; the same backbone, the same conditioning layout and the same DDPM loss follow.

Both losses are checked to be equal on the same batch (centre crops) before timing. Printed as JSON: frames/s of each,
their ratio, and the data path alone (batch assembly to the float crops the backbone takes).

    python bench/vision.py                          # the CPU preset's networks (small CNN, 84-px crop pooled to 42)
    python bench/vision.py --backbone resnet18 --downsample 1 --seconds 20   # the paper's (slow on a CPU)
    python bench/vision.py --frozen --batch 256     # PUSHT_PIXELS_FITTED_PRESET: a fitted, frozen encoder

`--frozen`: the encoder does not train (`Trainer.pretrain_vision`, then `freeze_vision`). Ours computes its features of
every stored frame once (the one-off cost is printed as `cache_s`) into a buffer of features and trains the denoiser
on windows of those; the reference-style pipeline, which has no such cache, runs the frozen encoder under `no_grad` on
every batch that its `Dataset` cuts and crops.
"""
from __future__ import annotations
import argparse, json, time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from diffusion_policy_nb.buffer import ObsSpec, ReplayBuffer, fit_normalizers
from diffusion_policy_nb.core import seed_everything
from diffusion_policy_nb.policy import DiffusionPolicy


class ImageWindowDataset(Dataset):
    "Reference-style: one window per `__getitem__` (numpy), frames to float CHW / 255, a random crop per sample."
    def __init__(self, frames, agent_pos, action, episode_ends, To, Tp, crop):
        self.frames, self.agent_pos, self.action, self.To, self.Tp, self.crop = frames, agent_pos, action, To, Tp, crop
        starts = np.concatenate([[0], episode_ends[:-1]])
        self.ep_start = np.repeat(starts, episode_ends - starts)
        self.ep_end = np.repeat(episode_ends, episode_ends - starts)
        self.rng = np.random.default_rng(0)

    def __len__(self): return len(self.frames)

    def __getitem__(self, p):
        s, e = self.ep_start[p], self.ep_end[p]
        oi = np.maximum(np.arange(p - self.To + 1, p + 1), s)
        ai = np.arange(p, p + self.Tp)
        img = np.moveaxis(self.frames[oi], -1, 1).astype(np.float32) / 255.0        # (To, C, H, W), as the reference
        H, W = img.shape[-2:]
        h = self.crop
        if h and h < H:
            i, j = self.rng.integers(0, H - h + 1), self.rng.integers(0, W - h + 1)
            img = img[..., i:i + h, j:j + h]
        return {"pixels": torch.from_numpy(np.ascontiguousarray(img)),
                "agent_pos": torch.from_numpy(self.agent_pos[oi]),
                "action": torch.from_numpy(self.action[np.minimum(ai, e - 1)]), "action_mask": torch.from_numpy(ai < e)}


def ref_loss(pol: DiffusionPolicy, batch: dict, generator=None, frozen: bool = False) -> torch.Tensor:
    """The policy's DDPM loss with the reference's inputs: float crops in [0, 1] (B, To, C, h, w), collated
    (`frozen`: the backbone runs without gradients)."""
    enc = pol.model.encoder
    cam = enc.cameras["pixels"]
    x = batch["pixels"]                                                    # (B, To, C, h, w) float in [0, 1]
    B, To = x.shape[:2]
    x = x.flatten(0, 1).mul(2).sub(1)
    if cam.downsample > 1: x = F.avg_pool2d(x, cam.downsample)
    with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen): feats = cam.backbone(x).view(B, To, -1)
    pos = pol.obs_normalizers["agent_pos"].normalize(batch["agent_pos"].reshape(B * To, -1)).view(B, To, -1)
    cond = torch.cat([feats, pos], -1).flatten(1)
    x0 = pol.action_normalizer.normalize(batch["action"])
    t = torch.randint(0, pol.scheduler.T, (B,), generator=generator)
    noise = torch.randn(x0.shape, generator=generator)
    pred = pol.model.denoiser(pol.scheduler.add_noise(x0, noise, t), t, cond)
    err = (pred - pol.scheduler.training_target(x0, noise, t)).square().mean(-1)
    m = batch["action_mask"].float()
    return (err * m).sum() / m.sum()


def timed(step, seconds: float) -> float:
    "Seconds per call of `step()` (median over `seconds` of calls, after a warm-up)."
    for _ in range(2): step()
    ts, t0 = [], time.perf_counter()
    while time.perf_counter() - t0 < seconds or len(ts) < 3:
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=4000, help="stored frames (random uint8 content: cost only)")
    ap.add_argument("--size", type=int, default=96, help="frame side in pixels")
    ap.add_argument("--episode-length", type=int, default=200)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--obs-horizon", type=int, default=2)
    ap.add_argument("--action-horizon", type=int, default=16)
    ap.add_argument("--backbone", default="cnn")
    ap.add_argument("--crop", type=int, default=84)
    ap.add_argument("--downsample", type=int, default=2)
    ap.add_argument("--workers", type=int, default=0, help="the reference DataLoader's worker processes")
    ap.add_argument("--seconds", type=float, default=10.0, help="time per measurement")
    ap.add_argument("--frozen", action="store_true", help="a frozen encoder: ours trains on its cached features")
    args = ap.parse_args(argv)
    seed_everything(0)
    N, S, To, Tp, B = args.frames, args.size, args.obs_horizon, args.action_horizon, args.batch
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (N, S, S, 3), dtype=np.uint8)
    agent_pos = rng.uniform(0, 512, (N, 2)).astype(np.float32)
    action = rng.uniform(0, 512, (N, 2)).astype(np.float32)
    ends = np.arange(args.episode_length, N + 1, args.episode_length)
    if ends[-1] != N: ends = np.append(ends, N)
    spec = ObsSpec({"agent_pos": ((2,), "float32"), "pixels": ((S, S, 3), "uint8")})
    buf = ReplayBuffer(N, action_dim=2, obs_spec=spec)
    buf.extend({"agent_pos": agent_pos, "pixels": frames}, action, ends)
    pol = DiffusionPolicy(obs_spec=spec, action_dim=2, obs_horizon=To, action_horizon=Tp, n_action_steps=4,
                          n_diffusion_steps=100, hidden_dim=256,
                          encoder_kwargs=dict(backbone=args.backbone, crop_size=args.crop, downsample=args.downsample))
    pol.set_normalizers(*fit_normalizers(buf))
    enc, cache_s, fbuf = pol.model.encoder, None, buf
    if args.frozen:                                           # ours: the features of every stored frame, once
        enc.cameras.requires_grad_(False)
        t0 = time.perf_counter()
        fbuf = ReplayBuffer(N, action_dim=2, obs_spec=enc.feature_spec())
        fbuf.extend({"agent_pos": agent_pos, "pixels": enc.frame_features("pixels", buf.arrays()[0]["pixels"])}, action,
                    ends)
        cache_s = time.perf_counter() - t0
    opt = torch.optim.AdamW([p for p in pol.model.parameters() if p.requires_grad], 1e-4)
    ds = ImageWindowDataset(frames, agent_pos, action, ends, To, Tp, args.crop)
    dl = DataLoader(ds, batch_size=B, shuffle=True, num_workers=args.workers, drop_last=True,
                    persistent_workers=args.workers > 0)
    it = iter(dl)
    def ref_batch():
        nonlocal it
        try: return next(it)
        except StopIteration: it = iter(dl); return next(it)

    # the same loss on the same windows (centre crops, one noise draw) before timing
    idx = torch.arange(0, N, N // B)[:B]
    w = fbuf.windows(idx, To, Tp)
    ref_ds = ImageWindowDataset(frames, agent_pos, action, ends, To, Tp, 0)
    rb = torch.utils.data.default_collate([ref_ds[int(i)] for i in idx])
    c = (S - args.crop) // 2
    rb["pixels"] = rb["pixels"][..., c:c + args.crop, c:c + args.crop]
    with torch.no_grad():
        pol.model.eval()
        ours = pol.compute_loss(w, torch.Generator().manual_seed(1))
        theirs = ref_loss(pol, rb, torch.Generator().manual_seed(1), args.frozen)
        pol.model.train()
    assert torch.allclose(ours, theirs, rtol=1e-4, atol=1e-5), (ours.item(), theirs.item())

    def step_ours():
        loss = pol.compute_loss(fbuf.sample(B, To, Tp))
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    def step_ref():
        loss = ref_loss(pol, ref_batch(), frozen=args.frozen)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    def data_ours():
        if args.frozen: return fbuf.sample(B, To, Tp)["obs"]["pixels"]       # the features are the data
        b = buf.sample(B, To, Tp)
        cam = pol.model.encoder.cameras["pixels"]
        with torch.no_grad(): x = b["obs"]["pixels"].flatten(0, 1)
        from diffusion_policy_nb.vision import crop_images
        return crop_images(x, cam.crop).permute(0, 3, 1, 2).float().mul_(2 / 255).sub_(1)
    def data_ref():
        x = ref_batch()["pixels"].flatten(0, 1).mul(2).sub(1)
        if not args.frozen: return x
        cam = enc.cameras["pixels"]
        with torch.no_grad(): return cam.backbone(F.avg_pool2d(x, cam.downsample) if cam.downsample > 1 else x)

    t_ours, t_ref = timed(step_ours, args.seconds), timed(step_ref, args.seconds)
    d_ours, d_ref = timed(data_ours, args.seconds / 4), timed(data_ref, args.seconds / 4)
    frames_per_step = B * To
    out = dict(bench="vision_train_step", backbone=args.backbone, size=S, crop=args.crop, downsample=args.downsample,
               batch=B, frozen=args.frozen, cache_s=None if cache_s is None else round(cache_s, 2), obs_horizon=To,
               action_horizon=Tp, threads=torch.get_num_threads(), workers=args.workers,
               params=sum(p.numel() for p in pol.model.parameters()),
               ours_frames_per_s=round(frames_per_step / t_ours, 1), ref_frames_per_s=round(frames_per_step / t_ref, 1),
               step_ratio=round(t_ref / t_ours, 3), ours_step_ms=round(1000 * t_ours, 2),
               ref_step_ms=round(1000 * t_ref, 2), data_ours_ms=round(1000 * d_ours, 3),
               data_ref_ms=round(1000 * d_ref, 3), data_ratio=round(d_ref / d_ours, 2), loss_check=float(ours))
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()

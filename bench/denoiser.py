"""Benchmark the denoisers (not a test): training-step time at batch 256 and single-sample forward latency.

Prints one JSON object. Each figure is a median over repeats after warm-up, on whatever device is present
(or `--device`), with torch's default number of threads. Shapes default to Pendulum's (Da=1, Do=3) with the
paper's horizons (To=2, Tp=16); the networks get a conditioning vector of cond_dim = To*Do (the default observation
encoder flattens the history), or `--cond-dim`.

    python bench/denoiser.py                      # all sizes
    python bench/denoiser.py --quick              # skip the paper-size U-Net (about 3 s per step on a 2-core CPU)
"""
import argparse, json, platform, time

import torch

from diffusion_policy_nb.core import get_device, seed_everything
from diffusion_policy_nb.denoiser import make_denoiser, time_denoiser

SIZES = [("mlp", 128), ("mlp", 256), ("mlp", 512),            # hidden_dim: width of the residual stream
         ("unet", 64), ("unet", 128), ("unet", 256)]           # hidden_dim: down_dims = (h, 2h, 4h); 256 is the paper's

def cpu_name() -> str:
    "The CPU's model name where /proc/cpuinfo has it, else the platform's."
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"): return line.split(":", 1)[1].strip()
    except OSError: pass
    return platform.processor() or platform.machine()

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--action-dim", type=int, default=1)
    ap.add_argument("--obs-dim", type=int, default=3)
    ap.add_argument("--action-horizon", type=int, default=16)
    ap.add_argument("--obs-horizon", type=int, default=2)
    ap.add_argument("--cond-dim", type=int, default=None, help="conditioning size (default: obs_horizon * obs_dim)")
    ap.add_argument("--quick", action="store_true", help="skip the paper-size U-Net")
    args = ap.parse_args(argv)
    dev = get_device(args.device)
    cond_dim = args.cond_dim if args.cond_dim is not None else args.obs_horizon * args.obs_dim
    shapes = (args.action_horizon, args.action_dim, cond_dim)
    results = []
    t0 = time.perf_counter()
    for name, h in SIZES:
        if args.quick and name == "unet" and h >= 256: continue
        seed_everything(0)
        net = make_denoiser(name, args.action_dim, cond_dim, args.action_horizon, hidden_dim=h).to(dev)
        heavy = name == "unet" and dev.type == "cpu"
        r = time_denoiser(net, *shapes, batch_size=args.batch_size, train_repeats=3 if heavy else 20,
                          forward_repeats=30 if heavy else 200)
        desc = f"down_dims=({h}, {2 * h}, {4 * h})" if name == "unet" else f"hidden_dim={h}"
        results.append(dict(denoiser=name, hidden_dim=h, size=desc, **r))
        del net
    out = dict(device=str(dev), device_name=torch.cuda.get_device_name(dev) if dev.type == "cuda" else cpu_name(),
               torch=torch.__version__, threads=torch.get_num_threads(), batch_size=args.batch_size,
               shapes=dict(action_horizon=args.action_horizon, action_dim=args.action_dim, obs_horizon=args.obs_horizon,
                           obs_dim=args.obs_dim, cond_dim=cond_dim),
               results=results, total_seconds=round(time.perf_counter() - t0, 1))
    print(json.dumps(out, indent=1))

if __name__ == "__main__":
    main()

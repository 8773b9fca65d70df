#!/usr/bin/env bash
# One prepared check of every CUDA path (issue 20), writing its figures as JSON under $OUT:
#   * nbdev-test with the `cuda` cells (on a GPU), and the default tests;
#   * bench/speed.py for the default MLP (training step vs the diffusers-driven baseline, achieved FLOP/s against the
#     device's matmul peak, batch-1 predict_action eager and compiled: a CUDA graph on GPU) and a U-Net h=64;
#   * batch-256 planning throughput (plans per second) for the default MLP;
#   * a short training run through `dpnb train` with its evaluation.
# Usage: OUT=/path bash bench/gpu_check.sh            (on a machine with CUDA; at most ~8 minutes)
#        OUT=/path bash bench/gpu_check.sh --dry-run  (tiny sizes on the CPU: what CI runs to keep this script working)
set -euo pipefail
cd "$(dirname "$0")/.."
DRY=0; [ "${1:-}" = "--dry-run" ] && DRY=1
OUT=${OUT:-/tmp/gpu_check}; mkdir -p "$OUT"
if [ $DRY = 1 ]; then
  DEV=cpu; SECS=0.05; TRANS=2000; STEPS=700; EVAL=2; PLAN_SECS=0.2
else
  DEV=cuda; SECS=2; TRANS=50000; STEPS=20000; EVAL=50; PLAN_SECS=2
  python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA device: use --dry-run')"
  nvidia-smi --query-gpu=name,memory.total --format=csv > "$OUT/gpu.csv" || true
  nbdev-test --flags cuda > "$OUT/nbdev_test_cuda.log" 2>&1 && echo ok > "$OUT/nbdev_test_cuda.ok" || echo failed > "$OUT/nbdev_test_cuda.ok"
fi
t0=$(date +%s)
python bench/speed.py --device $DEV --seconds $SECS --transitions $TRANS --no-ablation --compile > "$OUT/speed_mlp.json"
python bench/speed.py --device $DEV --seconds $SECS --transitions $TRANS --denoiser unet --hidden-dim 64 --train-only \
  > "$OUT/speed_unet64.json"
python - "$DEV" "$PLAN_SECS" > "$OUT/plan_batch256.json" <<'PY'
import json, sys, time, torch
from diffusion_policy_nb.policy import DiffusionPolicy
from diffusion_policy_nb.buffer import Normalizer
dev, secs = sys.argv[1], float(sys.argv[2])
pol = DiffusionPolicy(obs_dim=3, action_dim=1, device=dev)
pol.set_normalizers(Normalizer.fit(torch.randn(100, 3)), Normalizer.fit(torch.randn(100, 1)))
hist = torch.randn(256, 2, 3, device=dev)
sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
out = {}
for name in ("eager", "compiled"):
    if name == "compiled": pol.compile_plan()
    for _ in range(3): pol.predict_action(hist)
    sync(); n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < secs:
        pol.predict_action(hist); n += 1
    sync(); dt = (time.perf_counter() - t0) / n
    out[f"plan_ms_batch256_{name}"] = 1e3 * dt
    out[f"plans_per_s_batch256_{name}"] = 256 / dt
print(json.dumps(dict(device=dev, **out), indent=1))
PY
rm -rf "$OUT/run"
dpnb train --device $DEV --total-timesteps $STEPS --eval-episodes-final $EVAL --run-dir "$OUT/run" > "$OUT/train_summary.json"
python - "$OUT" "$DRY" "$(( $(date +%s) - t0 ))" <<'PY'
import json, sys, pathlib
out, dry, secs = pathlib.Path(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
parts = {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json")) if p.name != "gpu_check.json"}
ok = out / "nbdev_test_cuda.ok"
summary = dict(dry_run=dry, seconds=secs, nbdev_test_cuda=ok.read_text().strip() if ok.exists() else "not run", **parts)
(out / "gpu_check.json").write_text(json.dumps(summary, indent=1))
s = parts["speed_mlp"]
print(json.dumps(dict(dry_run=dry, seconds=secs, train_speedup=s["train_speedup"],
                      predict_speedup_ddim10=s["predict_speedup_ddim10"],
                      plans_per_s_batch256_eager=parts["plan_batch256"]["plans_per_s_batch256_eager"],
                      eval_return_mean=parts["train_summary"].get("eval_return_mean")), indent=1))
PY

"""Regenerate the shipped Push-T demonstrations (diffusion_policy_nb/data/pusht_demos.npz).

    python tools/make_pusht_dataset.py [--episodes 500] [--seed 0] [--workers 2] [--out PATH]

The demonstrator (`PushTDemonstrator`, nbs/05g_pusht.ipynb) runs on seeds 0, 1, ... until `--episodes` succeed;
the file records how long it took (meta/info). Deterministic: the same arguments give the same file contents.
"""
import argparse, json
from diffusion_policy_nb.pusht import PUSHT_DATASET, generate_pusht_dataset

p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
p.add_argument("--episodes", type=int, default=500)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--out", default=str(PUSHT_DATASET))
a = p.parse_args()
info = generate_pusht_dataset(a.out, a.episodes, a.seed, a.workers, show=True)   # progress on stderr
print(json.dumps(info, indent=1))

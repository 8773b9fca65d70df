# Run by 07a_torchrun.ipynb as a real subprocess.
import sys, torch
from diffusion_policy_nb.trainer import Trainer
from diffusion_policy_nb.distributed import torchrun_job
def flat(tr): return torch.cat([p.detach().flatten() for p in tr.model.parameters()]).clone()
def run(out):
    tr = Trainer("diffusion", "Pendulum-v1", seed=3, config=dict(hidden_dim=64, batch_size=64, warmup_steps=200,
                 learning_rate=1e-3, lr_warmup=0, lr_schedule="constant", ema_decay=0.0, device="cpu"))
    tr.train(total_timesteps=200, n_updates=0)           # one episode, no update yet (collect only)
    p0 = flat(tr); tr.train(n_updates=1); p1 = flat(tr); tr.train(n_updates=4); p5 = flat(tr)
    torch.save(dict(p0=p0, p1=p1, p5=p5, world=tr.dist.world_size), out.format(rank=tr.dist.rank))
if __name__ == "__main__":
    with torchrun_job(): run(sys.argv[1])                # a clean exit for every rank (05a_distributed)

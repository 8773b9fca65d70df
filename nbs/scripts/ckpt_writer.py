# Run by 10_reliability.ipynb as a real subprocess.
import sys
from diffusion_policy_nb import Trainer
t = Trainer("diffusion", "Pendulum-v1", seed=0, config=dict(warmup_steps=200, batch_size=32, hidden_dim=32))
t.train(total_timesteps=250)
t.n_updates += 1; t.save(sys.argv[1])     # one complete checkpoint before the kills start
print("ready", flush=True)
while True:
    t.n_updates += 1                      # a new "version" of the run each time
    t.save(sys.argv[1])

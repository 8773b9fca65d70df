# Run by 05a_distributed.ipynb as a real subprocess.
import sys, torch, torch.distributed as dist
from diffusion_policy_nb.distributed import init_distributed, wrap_ddp, all_reduce_mean_, torchrun_job
from diffusion_policy_nb.policy import masked_mse, shard_rows
def setup():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.SiLU(), torch.nn.Linear(16, 2))
    x, y = torch.randn(8, 4, 3), torch.randn(8, 4, 2)
    mask = torch.arange(4).expand(8, 4) < torch.tensor([4, 4, 4, 4, 1, 2, 1, 3])[:, None]   # uneven padding
    return net, x, y, mask
if __name__ == "__main__":
    with torchrun_job():
        info, dev = init_distributed("cpu")
        net, x, y, mask = setup()
        model, opt = wrap_ddp(net, info, dev), torch.optim.AdamW(net.parameters(), lr=1e-2)
        rows = shard_rows(8, info.shard)
        loss = masked_mse(model(x[rows]), y, mask, info.shard)
        loss.backward()
        grad = torch.cat([p.grad.flatten() for p in net.parameters()]).clone()
        opt.step()
        params = torch.cat([p.detach().flatten() for p in net.parameters()])
        out = dict(loss=all_reduce_mean_(loss.detach().clone(), info), grad=grad, params=params, world=torch.tensor(info.world_size))
        if info.is_main: torch.save(out, sys.argv[1])
        other = params.clone(); dist.broadcast(other, 0)
        assert torch.equal(other, params), "ranks disagree"

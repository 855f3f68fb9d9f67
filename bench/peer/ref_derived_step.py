"""Times the authors' derived-architecture training step on their own PyTorch code, as `train --config
configs/mnist-tiny.json` trains the published top-1 here: one D step and one G step (n_critic 1) with hinge losses,
Adam, and the EMA of G's parameters that their trainer keeps, on 1-channel 32x32 images. The reference code is read
from a folder given on the command line (a checkout of TAMU-VITA/AutoGAN; never committed here); their CIFAR-10
top-1 is built with its 3-channel ends swapped for 1-channel ones of the same blocks.
Usage: python3 ref_derived_step.py REF_SRC --gf 16 --df 16 --latent 64 --gbs 32 --dbs 32 --steps 20 --threads 2"""
import argparse, json, sys, time, types
p = argparse.ArgumentParser()
p.add_argument("src")
for name, default in [("gf", 16), ("df", 16), ("latent", 64), ("gbs", 32), ("dbs", 32), ("steps", 20), ("threads", 2), ("channels", 1)]:
    p.add_argument(f"--{name}", type=int, default=default)
a = p.parse_args()
sys.path.insert(0, a.src)
import torch
from torch import nn
torch.set_num_threads(a.threads); torch.manual_seed(0)
import models.autogan_cifar10_a as top1
from models.building_blocks import OptimizedDisBlock
args = types.SimpleNamespace(gf_dim=a.gf, df_dim=a.df, latent_dim=a.latent, bottom_width=4, d_spectral_norm=True)
G, D = top1.Generator(args), top1.Discriminator(args)
G.to_rgb[2] = nn.Conv2d(a.gf, a.channels, 3, 1, 1)
D.block1 = OptimizedDisBlock(args, a.channels, a.df)
og = torch.optim.Adam(G.parameters(), 1e-3, betas=(0.5, 0.9)); od = torch.optim.Adam(D.parameters(), 1e-3, betas=(0.5, 0.9))
ema = [q.detach().clone() for q in G.parameters()]
real = torch.rand(a.dbs, a.channels, 32, 32) * 2 - 1
def step():
    z = torch.randn(a.dbs, a.latent)
    fake = G(z).detach()
    ld = torch.relu(1 - D(real)).mean() + torch.relu(1 + D(fake)).mean()
    od.zero_grad(); ld.backward(); od.step()
    lg = -D(G(torch.randn(a.gbs, a.latent))).mean()
    og.zero_grad(); lg.backward(); og.step()
    with torch.no_grad():
        for q, e in zip(G.parameters(), ema): e.mul_(0.9).add_(q, alpha=0.1)
for _ in range(3): step()
t = time.time()
for _ in range(a.steps): step()
dt = (time.time() - t) / a.steps
print(json.dumps({"engine": "pytorch-reference", "torch": torch.__version__, "threads": a.threads, "gf": a.gf, "df": a.df,
                  "latent": a.latent, "gbs": a.gbs, "dbs": a.dbs, "channels": a.channels, "seconds_per_step": dt,
                  "note": "derived top-1: one D step + one G step + EMA"}))

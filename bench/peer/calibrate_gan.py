"""A PyTorch peer of this project's derived-architecture training, to calibrate what a recipe can reach.

It trains one AutoGAN generator architecture (the 14 tokens, as `autogan arch` explains them) against the
project's discriminator shape with the project's training loop (src/train/gan-trainer.ts): per iteration one D
step on a real minibatch and G's fakes (hinge loss, spectral norm on every D weight), and every n_critic-th
iteration one G step, Adam for both nets, then an EMA of G's trainable weights. Every --every G steps it writes
2,000 samples of the EMA generator (inference-mode batch norm with the live generator's running statistics, as
the project samples) to OUT/samples-STEP.npy, float32 [N, 1, 32, 32] in [-1, 1], for the project's scorer:

    node .test-build/bench/peer/digits-npy.js export --out DIR        # the same 8,000 digits, as training sees them
    /usr/bin/python3 bench/peer/calibrate_gan.py --data DIR/mnist-train.npy --out OUT --steps 1000 --every 250
    node .test-build/bench/peer/digits-npy.js score OUT/samples-*.npy

The defaults are configs/mnist-tiny.json's recipe. Written from the paper's description and this project's
code, not from the authors' repository.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

CELL_TOKENS = [4, 5, 5]


def parse_arch(text):
    tokens = [int(t) for t in text.replace(',', ' ').split()]
    if len(tokens) != 14:
        raise SystemExit(f'--arch: {len(tokens)} tokens, expected 14')
    cells, start = [], 0
    for k, n in enumerate(CELL_TOKENS):
        t = tokens[start:start + n]
        start += n
        skip = t[4] if k > 0 else 0
        sources = [j for j in range(k) if (skip >> (k - 1 - j)) & 1]
        cells.append(dict(pre=t[0] == 1, norm=t[1], up=t[2], shortcut=t[3] == 1, sources=sources))
    return cells


def xavier_init(module):
    """Xavier-uniform conv and deconv weights, N(1, 0.02) batch-norm scales; linear layers keep PyTorch's default."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class Resize(nn.Module):
    """×factor in the cell's mode: 0 bilinear, 1 nearest, 2 transposed 2×2 convs (one per doubling)."""

    def __init__(self, mode, factor, c):
        super().__init__()
        self.mode, self.factor = mode, factor
        self.deconvs = nn.ModuleList([nn.ConvTranspose2d(c, c, 2, 2) for _ in range(int(np.log2(factor)))]) if mode == 2 else None

    def forward(self, x):
        if self.mode == 0:
            return F.interpolate(x, scale_factor=self.factor, mode='bilinear', align_corners=False)
        if self.mode == 1:
            return F.interpolate(x, scale_factor=self.factor, mode='nearest')
        for d in self.deconvs:
            x = d(x)
        return x


class Block(nn.Module):
    """Pre-activation: norm, ReLU, (upsample), conv. Post-activation: (upsample), conv, norm, ReLU."""

    def __init__(self, cell, c, upsample):
        super().__init__()
        self.pre = cell['pre']
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.norm = {0: nn.Identity(), 1: nn.BatchNorm2d(c), 2: nn.InstanceNorm2d(c)}[cell['norm']]
        self.up = Resize(cell['up'], 2, c) if upsample else nn.Identity()

    def forward(self, x):
        if self.pre:
            return self.conv(self.up(F.relu(self.norm(x))))
        return F.relu(self.norm(self.conv(self.up(x))))


class Cell(nn.Module):
    def __init__(self, cell, k, c):
        super().__init__()
        self.k, self.sources = k, cell['sources']
        self.b1 = Block(cell, c, True)
        self.b2 = Block(cell, c, False)
        self.skip_up = nn.ModuleList([Resize(cell['up'], 2 ** (k - j), c) for j in self.sources])
        self.skip_conv = nn.ModuleList([nn.Conv2d(c, c, 1) for _ in self.sources])
        self.sc = nn.Sequential(Resize(cell['up'], 2, c), nn.Conv2d(c, c, 1)) if cell['shortcut'] else None

    def forward(self, x, skips):
        h = self.b1(x)
        for j, up, conv in zip(self.sources, self.skip_up, self.skip_conv):
            h = h + conv(up(skips[j]))
        out = self.b2(h)
        if self.sc is not None:
            out = out + self.sc(x)
        return out, h


class Generator(nn.Module):
    def __init__(self, cells, latent, gf, bottom=4):
        super().__init__()
        self.gf, self.bottom = gf, bottom
        self.stem = nn.Linear(latent, bottom * bottom * gf)
        self.cells = nn.ModuleList([Cell(c, k, gf) for k, c in enumerate(cells)])
        self.out = nn.Sequential(nn.BatchNorm2d(gf), nn.ReLU(), nn.Conv2d(gf, 1, 3, padding=1), nn.Tanh())

    def forward(self, z):
        x = self.stem(z).view(-1, self.bottom, self.bottom, self.gf).permute(0, 3, 1, 2)  # the project's NHWC reshape
        skips = []
        for cell in self.cells:
            x, s = cell(x, skips)
            skips.append(s)
        return self.out(x)


class Discriminator(nn.Module):
    """The project's D: an optimised first block, a downsampling block, two plain residual blocks, ReLU, sum, linear."""

    def __init__(self, df, sn=True):
        super().__init__()
        w = spectral_norm if sn else (lambda m: m)
        conv = lambda cin, cout, k: w(nn.Conv2d(cin, cout, k, padding=k // 2))
        self.b1 = nn.ModuleList([conv(1, df, 3), conv(df, df, 3), conv(1, df, 1)])
        self.b2 = nn.ModuleList([conv(df, df, 3), conv(df, df, 3), conv(df, df, 1)])
        self.b3 = nn.ModuleList([conv(df, df, 3), conv(df, df, 3)])
        self.b4 = nn.ModuleList([conv(df, df, 3), conv(df, df, 3)])
        self.head = w(nn.Linear(df, 1, bias=False))

    def forward(self, x):
        c1, c2, sc = self.b1
        h = F.avg_pool2d(c2(F.relu(c1(x))), 2) + sc(F.avg_pool2d(x, 2))
        c1, c2, sc = self.b2
        h = F.avg_pool2d(c2(F.relu(c1(F.relu(h)))), 2) + F.avg_pool2d(sc(h), 2)
        for c1, c2 in (self.b3, self.b4):
            h = c2(F.relu(c1(F.relu(h)))) + h
        return self.head(F.relu(h).sum(dim=(2, 3)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', required=True, help='.npy of training images, float32 [N, 32, 32, 1] in [-1, 1]')
    p.add_argument('--out', required=True)
    p.add_argument('--arch', default='1 0 1 1  1 0 0 1 1  1 0 1 0 3')
    p.add_argument('--steps', type=int, default=1000, help='G steps')
    p.add_argument('--every', type=int, default=250)
    p.add_argument('--samples', type=int, default=2000)
    p.add_argument('--latent', type=int, default=64)
    p.add_argument('--gf', type=int, default=16)
    p.add_argument('--df', type=int, default=16)
    p.add_argument('--dbs', type=int, default=32)
    p.add_argument('--gbs', type=int, default=32)
    p.add_argument('--n-critic', type=int, default=1)
    p.add_argument('--lr-g', type=float, default=1e-3)
    p.add_argument('--lr-d', type=float, default=1e-3)
    p.add_argument('--beta1', type=float, default=0.5)
    p.add_argument('--beta2', type=float, default=0.9)
    p.add_argument('--ema', default='0.9', help='EMA decays, comma-separated: the first is sampled as the project does, each also with its own statistics')
    p.add_argument('--no-sn', action='store_true', help='D without spectral norm')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--variants', action='store_true', help='also write the first EMA with batch statistics, and the live G with running and batch statistics')
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    data = torch.from_numpy(np.load(a.data)).permute(0, 3, 1, 2).contiguous()
    os.makedirs(a.out, exist_ok=True)

    G = Generator(parse_arch(a.arch), a.latent, a.gf)
    D = Discriminator(a.df, sn=not a.no_sn)
    xavier_init(G)
    xavier_init(D)
    opt_g = torch.optim.Adam(G.parameters(), a.lr_g, betas=(a.beta1, a.beta2))
    opt_d = torch.optim.Adam(D.parameters(), a.lr_d, betas=(a.beta1, a.beta2))
    decays = [float(d) for d in a.ema.split(',')]
    emas = {d: [q.detach().clone() for q in G.parameters()] for d in decays}
    z_eval = torch.randn(a.samples, a.latent, generator=torch.Generator().manual_seed(12345))

    order, pos, it, g_steps, cpu = rng.permutation(len(data)), 0, 0, 0, 0.0
    while g_steps < a.steps:
        c0 = time.process_time()
        if pos + a.dbs > len(data):
            order, pos = rng.permutation(len(data)), 0
        real = data[order[pos:pos + a.dbs]]
        pos += a.dbs
        with torch.no_grad():
            fake = G(torch.randn(a.dbs, a.latent))
        scores = D(torch.cat([real, fake]))
        d_loss = F.relu(1 - scores[:a.dbs]).mean() + F.relu(1 + scores[a.dbs:]).mean()
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        g_step = it % a.n_critic == 0
        if g_step:
            g_loss = -D(G(torch.randn(a.gbs, a.latent))).mean()
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
            with torch.no_grad():
                for d, ema in emas.items():
                    for s, q in zip(ema, G.parameters()):
                        s.mul_(d).add_(q, alpha=1 - d)
            g_steps += 1
        it += 1
        cpu += time.process_time() - c0
        if g_step and (g_steps % a.every == 0 or g_steps == a.steps):
            first = emas[decays[0]]
            variants = [('', first, 'running')] + [(f'-ema{d}', emas[d], 'recomputed') for d in decays]
            if a.variants:
                variants += [('-ema-batch', first, 'batch'), ('-live-running', None, 'running'), ('-live-batch', None, 'batch')]
            paths = [save_samples(G, ema, z_eval, os.path.join(a.out, f'samples-{g_steps:05d}{tag}.npy'), bn) for tag, ema, bn in variants]
            print(json.dumps(dict(step=g_steps, cpu_s=round(cpu, 1), s_per_step=round(cpu / g_steps, 4),
                                  d_loss=round(d_loss.item(), 4), g_loss=round(g_loss.item(), 4), samples=paths)), flush=True)


def save_samples(G, ema, z_eval, path, bn):
    """Writes the samples on z_eval of G with the weights `ema` (None: its own) and batch-norm statistics `bn`:
    'running' (the live G's running statistics, as the project samples), 'batch' (each batch's own) or 'recomputed'
    (those of these weights). G's weights, statistics and mode are as before afterwards."""
    live = [q.detach().clone() for q in G.parameters()]
    stats = {k: v.clone() for k, v in G.state_dict().items() if 'running' in k or 'num_batches' in k}
    with torch.no_grad():
        if ema is not None:
            for q, s in zip(G.parameters(), ema):
                q.copy_(s)
        if bn == 'recomputed':
            # running statistics of these weights: a cumulative average over 20 batches in training mode
            for m in G.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.reset_running_stats()
                    m.momentum = None
            G.train()
            for z in torch.randn(20 * 100, z_eval.shape[1], generator=torch.Generator().manual_seed(7)).split(100):
                G(z)
        G.train(bn == 'batch')
        images = torch.cat([G(z) for z in z_eval.split(500)]).numpy().astype(np.float32)
        for q, l in zip(G.parameters(), live):
            q.copy_(l)
        G.load_state_dict({**G.state_dict(), **stats})
        for m in G.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.1
    G.train()
    np.save(path, images)
    return path


if __name__ == '__main__':
    main()

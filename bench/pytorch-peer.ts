/**
 * The authors' training steps timed on their own PyTorch code, in the same session as ours: `--pytorch DIR`
 * names a checkout of TAMU-VITA/AutoGAN; `--ref-step FILE` the shared-GAN timing script (default: the shared
 * `peer/ref_step.py` beside the project), and bench/peer/ref_derived_step.py times their derived top-1 as `train`
 * trains it. Without `--pytorch` the bench prints no PyTorch column rather than figures from another machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PytorchPeer {
  /**
   * Seconds per step (one D + one G step) of the reference code at a stage, gf/df 32, batch 32/32; measured once
   * and kept, or measured anew where `fresh`.
   */
  stepSeconds(stage: number, fresh?: boolean): number;
  /** Seconds per step (one D + one G step + EMA) of their derived top-1 at these widths, 1 channel, 32 px. */
  derivedStepSeconds(c: { gf: number; df: number; latent: number; dBatch: number; gBatch: number }, fresh?: boolean): number;
  readonly describe: string;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function pytorchPeer(): PytorchPeer | null {
  const src = flag('--pytorch');
  if (!src) return null;
  const script = resolve(flag('--ref-step') ?? resolve(process.cwd(), '..', 'shared', 'peer', 'ref_step.py'));
  if (!existsSync(script)) throw new Error(`--ref-step: no such file ${script}`);
  // Debian's python3-torch lives in the system Python, which a pyenv or venv python3 on PATH does not see.
  const python = process.env['PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const threads = flag('--pytorch-threads') ?? '2';
  const derivedScript = fileURLToPath(new URL('../../bench/peer/ref_derived_step.py', import.meta.url));
  const cache = new Map<string, number>();
  const seconds = (args: string[], fresh = false) => {
    const key = args.join(' ');
    if (fresh || !cache.has(key)) {
      const r = spawnSync(python, args, { encoding: 'utf8' });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${python} ${key} failed: ${r.stderr.trim().split('\n').pop()} (PyTorch: apt-get install python3-torch; PYTHON=... picks the interpreter)`);
      cache.set(key, (JSON.parse(line) as { seconds_per_step: number }).seconds_per_step);
    }
    return cache.get(key)!;
  };
  return {
    describe: `reference code (${src}), ${threads} threads, this session`,
    stepSeconds: (stage, fresh) => seconds([script, src, '--gf', '32', '--df', '32', '--gbs', '32', '--dbs', '32', '--stage', String(stage), '--steps', '10', '--threads', threads], fresh),
    derivedStepSeconds: (c, fresh) =>
      seconds([derivedScript, src, '--gf', String(c.gf), '--df', String(c.df), '--latent', String(c.latent), '--gbs', String(c.gBatch), '--dbs', String(c.dBatch), '--steps', '20', '--threads', threads], fresh),
  };
}

import type { Command } from './command.js';

/** Every top-level command of `autogan`, in the order `--help` lists them. */
export const commands: readonly Command[] = [];

import type { Command } from './command.js';
import { dataCommand } from './data.js';

/** Every top-level command of `autogan`, in the order `--help` lists them. */
export const commands: readonly Command[] = [dataCommand];

/** Every command, in the order `skytells --help` lists them. A new command is one file, added here. */
import type { CommandModule } from '../cli.js';
import { auditCommand } from './audit.js';
import { keysCommand } from './keys.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { scanCommand } from './scan.js';
import { tokensCommand } from './tokens.js';
import { usageCommand } from './usage.js';
import { whoamiCommand } from './whoami.js';

export const commands: readonly CommandModule[] = [
  loginCommand,
  logoutCommand,
  whoamiCommand,
  keysCommand,
  tokensCommand,
  usageCommand,
  auditCommand,
  scanCommand,
];

import type { Argv } from 'yargs';
import { loadConfig } from '../config/load.js';
import type { PgwardenConfig } from '../config/types.js';
import type { TargetOptions } from '../providers/resolve.js';
import { processOutput, type Output } from './output.js';
import { trace } from '../trace.js';

/** The options every command takes. */
export interface GlobalArgs {
  config?: string | undefined;
  migrations?: string | undefined;
  env?: string | undefined;
  url?: string | undefined;
  json?: boolean | undefined;
  color?: boolean | undefined;
  cwd?: string | undefined;
}

export function globalOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('config', { type: 'string', describe: 'Config file (default: pgwarden.config.yaml in this folder or above)', global: true })
    .option('migrations', { type: 'string', describe: 'Migrations folder, instead of the configured one', global: true })
    .option('env', { type: 'string', describe: 'Environment from the config (dev, staging, prod, ...)', global: true })
    .option('url', { type: 'string', describe: 'Connection string; overrides the environment (default: $DATABASE_URL)', global: true })
    .option('color', { type: 'boolean', describe: 'Colour output (default: on a terminal)', global: true });
}

/** What a command handler gets: the loaded config, where to print, and the database target. */
export interface CommandContext {
  config: PgwardenConfig;
  output: Output;
  target: TargetOptions;
  args: GlobalArgs;
}

let currentOutput: Output = processOutput;

/** Lets tests run the CLI in-process with captured output. */
export function setOutput(output: Output): void {
  currentOutput = output;
}

export function getOutput(args?: GlobalArgs): Output {
  if (args?.color === undefined) return currentOutput;
  return { ...currentOutput, color: args.color };
}

export function commandContext(args: GlobalArgs): CommandContext {
  trace('cli: command chosen');
  const config = loadConfig({ cwd: args.cwd ?? process.cwd(), configPath: args.config, migrationsDir: args.migrations });
  trace('cli: config loaded');
  const command = ['pgwarden', ...((args as { _?: unknown[] })._ ?? [])].join(' ');
  return { config, output: getOutput(args), target: { env: args.env, url: args.url, command }, args };
}

/** The exit code the running command asked for. */
let pendingExitCode = 0;
export function setExitCode(code: number): void {
  pendingExitCode = Math.max(pendingExitCode, code);
}
export function takeExitCode(): number {
  const code = pendingExitCode;
  pendingExitCode = 0;
  return code;
}

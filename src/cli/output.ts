import { relative } from 'node:path';
import { isPgwardenError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { redactText } from '../redact.js';

/** Where the CLI writes. Tests and programs can swap these. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  color: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(redactText(text)),
  err: (text) => process.stderr.write(redactText(text)),
  isTTY: Boolean(process.stdout.isTTY),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof codes;

export function paint(output: Output, colour: Colour, text: string): string {
  return output.color ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}

export function printJson(output: Output, value: unknown): void {
  output.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error the way a person can act on it, and returns its exit code. */
export function reportError(output: Output, error: unknown, cwd = process.cwd()): number {
  if (isPgwardenError(error)) {
    output.err(`${paint(output, 'red', `error[${error.code}]`)}: ${error.message}\n`);
    for (const p of error.problems) {
      const where = [p.file && p.file.startsWith('/') ? relative(cwd, p.file) : p.file, p.line, p.column].filter((x) => x !== undefined && x !== '').join(':');
      output.err(`  ${where ? `${where}: ` : ''}${p.message}\n`);
    }
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  output.err(`${paint(output, 'red', 'internal error')}: ${redactText(message)}\nThis is a bug in pgwarden; please report it with the command you ran.\n`);
  return ExitCode.Internal;
}

/**
 * A progress line that rewrites itself on a terminal and prints plain lines elsewhere. Plain lines
 * that come in a burst (a run's results arrive in chunks) are written together, once per tick.
 */
export function progressPrinter(output: Output, enabled: boolean) {
  let active = false;
  let pending = '';
  const flush = () => {
    if (pending) output.err(pending);
    pending = '';
  };
  return {
    update(text: string) {
      if (!enabled) return;
      flush();
      if (output.isTTY) {
        output.err(`\r\u001b[2K${text}`);
        active = true;
      }
    },
    line(text: string) {
      if (!enabled) return;
      if (active) {
        output.err('\r\u001b[2K');
        active = false;
      }
      if (!pending) setImmediate(flush);
      pending += `${text}\n`;
    },
    done() {
      flush();
      if (active) output.err('\r\u001b[2K');
      active = false;
    },
  };
}

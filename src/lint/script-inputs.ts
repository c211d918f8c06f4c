/**
 * What a JS/TS migration's SQL depends on besides its own text: every file lint's evaluation of it
 * read. The modules it loaded (by a literal path or a computed one, through a relative path, a
 * package.json `#imports` entry or a tsconfig path alias), the files it read itself (`sql/001.sql`
 * beside it), the folders it listed, the paths it looked up (a module resolution tries several),
 * and the package.json and tsconfig.json files that say how its modules load. Recorded as a depfile
 * is (make's and ninja's, esbuild's metafile): each path with what it held, and a cached lint
 * result or schema model stands only while every one of them still holds the same.
 *
 * The recording happens in lint's script worker (script-worker.ts), which evaluates the scripts:
 * Node's fs functions are wrapped there for the length of the evaluation.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a path held when the script used it: `sha256:<hex>` (its content, read), `list:<hex>` (the
 * names in the folder, listed), `file`, `folder` or `exists` (only looked up), `missing`.
 */
export type InputState = string;

/**
 * A file the scripts read: its path (relative to the project root, with forward slashes), what it
 * held, and the first migration (same form) that read it.
 */
export type ScriptInput = readonly [path: string, state: InputState, readBy: string];

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The state of content read as `data` (decoded with `encoding` when a string). */
function contentState(data: unknown, encoding: unknown): InputState | undefined {
  if (data instanceof Uint8Array) return `sha256:${sha256(data)}`;
  if (typeof data === 'string') return `sha256:${sha256(Buffer.from(data, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8'))}`;
  return undefined;
}

/** The state of a file that holds `text`: what a migration's own file, read, is recorded as. */
export function textState(text: string): InputState {
  return `sha256:${sha256(Buffer.from(text, 'utf8'))}`;
}

function listState(names: readonly string[]): InputState {
  return `list:${createHash('sha256').update([...names].sort().join('\0')).digest('hex')}`;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The kinds of state, strongest first: a later record of a weaker kind does not replace a stronger one. */
function strength(state: InputState): number {
  return state.startsWith('sha256:') ? 2 : state.startsWith('list:') ? 1 : 0;
}

/** Adds `path`'s state to `into`, keeping the stronger of two (content over a listing over a lookup). */
export function addInput(into: Map<string, InputState>, path: string, state: InputState): void {
  const known = into.get(path);
  if (known === undefined || strength(state) > strength(known)) into.set(path, state);
}

/**
 * What `path` holds now, asked the way `recorded` was: its content's hash, its listing, or only
 * whether it exists. `read` reads a file (the recorder passes fs's own functions, not its wrappers).
 */
export function stateNow(path: string, recorded: InputState, io: Pick<typeof fs, 'readFileSync' | 'readdirSync' | 'statSync'> = fs): InputState {
  try {
    if (recorded.startsWith('sha256:')) return `sha256:${sha256(io.readFileSync(path))}`;
    if (recorded.startsWith('list:')) return listState(io.readdirSync(path));
    const stat = io.statSync(path, { throwIfNoEntry: false });
    if (!stat) return 'missing';
    if (recorded === 'exists') return 'exists';
    return stat.isDirectory() ? 'folder' : 'file';
  } catch (error) {
    if (isMissing(error)) return 'missing';
    // A file that cannot be read now (permissions, a folder where a file was) is not what was read.
    return `unreadable:${(error as { code?: string }).code ?? 'error'}`;
  }
}

/** True when every recorded path (relative to `root`) still holds what it held. */
export function inputsUnchanged(root: string, inputs: readonly ScriptInput[]): boolean {
  for (const [path, state] of inputs) if (stateNow(resolve(root, path), state) !== state) return false;
  return true;
}

/** A path argument of an fs function as an absolute path; undefined for a file descriptor or a handle. */
function pathOf(argument: unknown): string | undefined {
  let path: string;
  if (typeof argument === 'string') path = argument.startsWith('file:') ? fileURLToPath(argument) : argument;
  else if (argument instanceof URL) {
    if (argument.protocol !== 'file:') return undefined;
    path = fileURLToPath(argument);
  } else if (argument instanceof Uint8Array) path = Buffer.from(argument).toString('utf8');
  else return undefined;
  return isAbsolute(path) ? path : resolve(path);
}

function encodingOf(options: unknown): unknown {
  return typeof options === 'string' ? options : (options as { encoding?: unknown } | null | undefined)?.encoding;
}

/** The fs functions the recorder wraps (fs.promises' readFile and readdir too). */
const WRAPPED = ['readFileSync', 'readFile', 'existsSync', 'statSync', 'readdirSync'] as const;
const WRAPPED_PROMISES = ['readFile', 'readdir'] as const;

/**
 * Records the files read through Node's fs module while it is started: `readFileSync`, `readFile`
 * and `fs.promises.readFile` (which Node's own module loaders use too: a module loaded is a file
 * read), `existsSync` and `statSync` (lookups), `readdirSync` and `fs.promises.readdir` (listings).
 * The functions are replaced on the fs module (and Node's ES module view of it is synced) from
 * start() to stop(), which puts the originals back. Files under `node_modules` and under the
 * `ignored` folders (jiti's caches) are not recorded: packages are pgwarden's inputs already, as the
 * versions of its dependencies.
 */
export class ReadRecorder {
  private reads = new Map<string, InputState>();
  private readonly originals = new Map<string, (...args: never[]) => unknown>();
  private readonly installed = new Map<string, (...args: never[]) => unknown>();
  private readonly ignored: string[];

  constructor(ignored: readonly string[] = []) {
    this.ignored = ignored.map((dir) => (dir.endsWith(sep) ? dir : dir + sep));
  }

  private recorded(path: string): boolean {
    return !path.includes(`${sep}node_modules${sep}`) && !path.endsWith(`${sep}node_modules`) && !this.ignored.some((dir) => path.startsWith(dir));
  }

  private note(argument: unknown, state: () => InputState | undefined): void {
    const path = pathOf(argument);
    if (path === undefined || !this.recorded(path)) return;
    const value = state();
    if (value !== undefined) addInput(this.reads, path, value);
  }

  /** fs's own functions, to look at files without recording. */
  get io(): Pick<typeof fs, 'readFileSync' | 'readdirSync' | 'statSync'> {
    const original = <K extends 'readFileSync' | 'readdirSync' | 'statSync'>(name: K) => (this.originals.get(name) as (typeof fs)[K] | undefined) ?? fs[name];
    return { readFileSync: original('readFileSync'), readdirSync: original('readdirSync'), statSync: original('statSync') };
  }

  start(): void {
    if (this.installed.size > 0) return;
    const io = () => this.io;
    const recorder = this;
    const wrappers: Record<string, (...args: never[]) => unknown> = {
      readFileSync(this: unknown, ...args: unknown[]) {
        let data;
        try {
          data = (recorder.originals.get('readFileSync') as (...a: unknown[]) => unknown).apply(this, args);
        } catch (error) {
          if (isMissing(error)) recorder.note(args[0], () => 'missing');
          throw error;
        }
        recorder.note(args[0], () => contentState(data, encodingOf(args[1])));
        return data;
      },
      readFile(this: unknown, ...args: unknown[]) {
        const callback = args[args.length - 1];
        if (typeof callback === 'function') {
          args[args.length - 1] = (error: unknown, data: unknown) => {
            if (error) {
              if (isMissing(error)) recorder.note(args[0], () => 'missing');
            } else recorder.note(args[0], () => contentState(data, encodingOf(args.length > 2 ? args[1] : undefined)));
            return (callback as (...a: unknown[]) => unknown)(error, data);
          };
        }
        return (recorder.originals.get('readFile') as (...a: unknown[]) => unknown).apply(this, args);
      },
      existsSync(this: unknown, ...args: unknown[]) {
        const exists = (recorder.originals.get('existsSync') as (...a: unknown[]) => boolean).apply(this, args);
        recorder.note(args[0], () => (exists ? 'exists' : 'missing'));
        return exists;
      },
      statSync(this: unknown, ...args: unknown[]) {
        let stat;
        try {
          stat = (recorder.originals.get('statSync') as (...a: unknown[]) => fs.Stats | undefined).apply(this, args);
        } catch (error) {
          if (isMissing(error)) recorder.note(args[0], () => 'missing');
          throw error;
        }
        recorder.note(args[0], () => (stat === undefined ? 'missing' : stat.isDirectory() ? 'folder' : 'file'));
        return stat;
      },
      readdirSync(this: unknown, ...args: unknown[]) {
        let names;
        try {
          names = (recorder.originals.get('readdirSync') as (...a: unknown[]) => unknown).apply(this, args);
        } catch (error) {
          if (isMissing(error)) recorder.note(args[0], () => 'missing');
          throw error;
        }
        recorder.note(args[0], () => stateNow(pathOf(args[0])!, 'list:', io()));
        return names;
      },
      'promises.readFile'(this: unknown, ...args: unknown[]) {
        return (recorder.originals.get('promises.readFile') as (...a: unknown[]) => Promise<unknown>).apply(this, args).then(
          (data) => {
            recorder.note(args[0], () => contentState(data, encodingOf(args[1])));
            return data;
          },
          (error: unknown) => {
            if (isMissing(error)) recorder.note(args[0], () => 'missing');
            throw error;
          },
        );
      },
      'promises.readdir'(this: unknown, ...args: unknown[]) {
        return (recorder.originals.get('promises.readdir') as (...a: unknown[]) => Promise<unknown>).apply(this, args).then(
          (names) => {
            recorder.note(args[0], () => stateNow(pathOf(args[0])!, 'list:', io()));
            return names;
          },
          (error: unknown) => {
            if (isMissing(error)) recorder.note(args[0], () => 'missing');
            throw error;
          },
        );
      },
    };
    const targets: Array<[string, Record<string, unknown>, string]> = [
      ...WRAPPED.map((name): [string, Record<string, unknown>, string] => [name, fs as unknown as Record<string, unknown>, name]),
      ...WRAPPED_PROMISES.map((name): [string, Record<string, unknown>, string] => [`promises.${name}`, fs.promises as unknown as Record<string, unknown>, name]),
    ];
    for (const [key, target, name] of targets) {
      this.originals.set(key, target[name] as (...args: never[]) => unknown);
      target[name] = wrappers[key];
      this.installed.set(key, wrappers[key]!);
    }
    syncBuiltinESMExports();
  }

  /** Puts fs's functions back (those nobody replaced meanwhile). */
  stop(): void {
    for (const [key, wrapper] of this.installed) {
      const [target, name] = key.startsWith('promises.') ? [fs.promises as unknown as Record<string, unknown>, key.slice('promises.'.length)] : [fs as unknown as Record<string, unknown>, key];
      if (target[name] === wrapper) target[name] = this.originals.get(key);
    }
    this.installed.clear();
    syncBuiltinESMExports();
  }

  /**
   * Records, as the module loaders consult them, the package.json (its `type`, `imports`) and, when
   * `tsconfig` is set (jiti's tsconfigPaths), the tsconfig.json governing `file`: in each folder up
   * from it, the file, or that there is none, until the first found.
   */
  governing(file: string, tsconfig: boolean | string): void {
    const lookUp = (name: string) => {
      for (let dir = dirname(file); ; dir = dirname(dir)) {
        const path = join(dir, name);
        if (!this.recorded(path)) return;
        const state = stateNow(path, 'sha256:', this.io);
        addInput(this.reads, path, state);
        if (state !== 'missing' || dirname(dir) === dir) return;
      }
    };
    lookUp('package.json');
    if (typeof tsconfig === 'string') addInput(this.reads, resolve(tsconfig), stateNow(resolve(tsconfig), 'sha256:', this.io));
    else if (tsconfig) lookUp('tsconfig.json');
  }

  /** Records a module loaded (absolute path) by its content, unless its content is recorded already. */
  loaded(path: string): void {
    if (this.recorded(path) && !this.reads.get(path)?.startsWith('sha256:')) addInput(this.reads, path, stateNow(path, 'sha256:', this.io));
  }

  /** The paths recorded since the last take (absolute), with their states; starts a new record. */
  take(): Map<string, InputState> {
    const reads = this.reads;
    this.reads = new Map();
    return reads;
  }
}

// Owns: finding the eci-exec-lsp binary. Pure (no `vscode` import) so unit tests can drive it.
// Order: the `eciExec.server.path` setting, the binary bundled in the extension, then PATH.
// The first executable file wins; every place looked at is recorded so a failure can name them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface LookupInput {
  /** Value of `eciExec.server.path` ('' or undefined when unset). */
  settingPath?: string;
  /** Root folder of the installed extension. */
  extensionPath: string;
  /** The PATH environment variable. */
  envPath?: string;
  platform?: NodeJS.Platform;
  /** Injected for tests; default: a regular file with an execute bit. */
  isExecutable?: (file: string) => boolean;
  homeDir?: string;
}

export interface Tried {
  source: 'setting' | 'bundled' | 'PATH';
  path: string;
}

export type LookupResult =
  | { found: true; path: string; source: Tried['source']; tried: Tried[] }
  | { found: false; tried: Tried[] };

export function binaryName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'eci-exec-lsp.exe' : 'eci-exec-lsp';
}

function defaultIsExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findServer(input: LookupInput): LookupResult {
  const platform = input.platform ?? process.platform;
  const isExecutable = input.isExecutable ?? defaultIsExecutable;
  const name = binaryName(platform);
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const tried: Tried[] = [];
  const attempt = (source: Tried['source'], file: string): LookupResult | undefined => {
    tried.push({ source, path: file });
    return isExecutable(file) ? { found: true, path: file, source, tried } : undefined;
  };

  const setting = (input.settingPath ?? '').trim();
  if (setting) {
    // `~/` is expanded because people write it in settings.json and no shell does it for us.
    const home = input.homeDir ?? os.homedir();
    const expanded = setting === '~' || setting.startsWith('~/') ? home + setting.slice(1) : setting;
    const hit = attempt('setting', expanded);
    if (hit) return hit;
  }

  const bundled = attempt('bundled', pathApi.join(input.extensionPath, 'bundled', name));
  if (bundled) return bundled;

  const sep = platform === 'win32' ? ';' : ':';
  for (const dir of (input.envPath ?? '').split(sep)) {
    if (!dir) continue; // an empty PATH element means "current folder": never trust that for a binary
    const hit = attempt('PATH', pathApi.join(dir, name));
    if (hit) return hit;
  }
  return { found: false, tried };
}

/** The message shown when no binary is found: names every place that was looked at. */
export function notFoundMessage(tried: Tried[]): string {
  const lines = tried.map((t) => `  - ${t.source}: ${t.path}`);
  return [
    'ECI Exec: the language server binary eci-exec-lsp was not found. Looked in:',
    ...(lines.length ? lines : ['  - (nowhere: PATH is empty)']),
    'Set "eciExec.server.path" in your user settings, or install it with `cargo install --path server` and make sure it is on PATH.',
  ].join('\n');
}

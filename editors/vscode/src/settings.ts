// Owns: turning the `eciExec.*` VS Code settings into the server's options object
// (initializationOptions and workspace/didChangeConfiguration send it).
// Pure: takes a getter, so unit tests need no `vscode`.

/** The options of the contract (spec/exec-config.md), nothing else: the server reports unknown ones. */
export interface ServerOptions {
  profile?: string;
  regionId?: string;
  endpoint?: string;
  signatureVersion?: 'v2' | 'v3';
  confirmRun: boolean;
  cacheTtlSeconds: number;
  online: boolean;
  maxTargets: number;
  runConcurrency: number;
}

export type Getter = (key: string) => unknown;

function str(v: unknown): string | undefined {
  // An empty string is the "unset" default in package.json: omit it so the server uses its own default.
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A whole number of at least 1 (rounded), else `fallback`: the server rejects anything else. */
function atLeastOne(v: unknown, fallback: number): number {
  return typeof v === 'number' && Math.round(v) >= 1 ? Math.round(v) : fallback;
}

export function toServerOptions(get: Getter): ServerOptions {
  const opts: ServerOptions = {
    confirmRun: typeof get('confirmRun') === 'boolean' ? (get('confirmRun') as boolean) : true,
    // The server wants a whole number of seconds (it rejects 1.5), so round here.
    cacheTtlSeconds:
      typeof get('cacheTtlSeconds') === 'number' && (get('cacheTtlSeconds') as number) >= 0
        ? Math.round(get('cacheTtlSeconds') as number)
        : 60,
    online: typeof get('online') === 'boolean' ? (get('online') as boolean) : true,
    maxTargets: atLeastOne(get('maxTargets'), 20),
    runConcurrency: atLeastOne(get('runConcurrency'), 8),
  };
  const profile = str(get('profile'));
  if (profile) opts.profile = profile;
  const regionId = str(get('regionId'));
  if (regionId) opts.regionId = regionId;
  const endpoint = str(get('endpoint'));
  if (endpoint) opts.endpoint = endpoint;
  const sig = str(get('signatureVersion'));
  if (sig === 'v2' || sig === 'v3') opts.signatureVersion = sig;
  return opts;
}

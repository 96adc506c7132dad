// Owns: the text of an `eciExec/runResult` notification in the "ECI Exec" output channel: one
// run's output or error, or a fleet run's sections (one per target, failures first). Pure.

/** One target of a fleet run (docs/lsp-extensions.md). */
export interface TargetResult {
  containerGroupId: string;
  containerGroupName?: string;
  status: 'ok' | 'failed' | 'skipped';
  requestId?: string;
  syncResponse?: string;
  /** `Code: Message` of a failed call. */
  error?: string;
  /** Why a skipped instance did not run. */
  reason?: string;
}

/** The notification's fields this channel shows (docs/lsp-extensions.md has them all). */
export interface RunResult {
  uri: string;
  index: number;
  /** The entry's name (Label, else container and command). */
  name: string;
  syncResponse?: string;
  /** The failure as the server words it: `✗ Code: Message` for an API error. */
  error?: string;
  requestId?: string;
  /** A fleet run's targets (a selector entry), in place of the fields above. */
  targets?: TargetResult[];
  summary?: { ok: number; failed: number; skipped: number };
}

const ORDER = { failed: 0, skipped: 1, ok: 2 } as const;
const MARK = { failed: '✗', skipped: '–', ok: '✓' } as const;

/** One section per target, failures first: `✓ name (id)`, then its output or error indented. */
export function targetSections(targets: TargetResult[]): string {
  const sorted = [...targets].sort((a, b) => (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3));
  return sorted
    .map((t) => {
      const name = t.containerGroupName || t.containerGroupId;
      const id = t.requestId ? ` [RequestId ${t.requestId}]` : '';
      const head = `${MARK[t.status] ?? '?'} ${name} (${t.containerGroupId})`;
      if (t.status === 'skipped') return `${head} skipped: ${t.reason ?? ''}\n`;
      const body = t.status === 'failed' ? (t.error ?? 'failed') : (t.syncResponse || '(no output)').replace(/\n$/, '');
      return `${head}${id}\n${body.replace(/^/gm, '  ')}\n`;
    })
    .join('');
}

/** Header line then the output (or the error, or a fleet's sections), as appended to the channel. */
export function formatRunResult(r: RunResult, now: Date = new Date()): string {
  const file = decodeURIComponent(r.uri.replace(/^.*\//, ''));
  const heading = `[${now.toISOString()}] ${r.name} (${file} #${r.index})`;
  if (Array.isArray(r.targets)) {
    const s = r.summary;
    const counts = s ? `: ${s.ok} ok, ${s.failed} failed, ${s.skipped} skipped` : '';
    return `${heading}${counts}\n${targetSections(r.targets)}`;
  }
  const id = r.requestId ? ` [RequestId ${r.requestId}]` : '';
  const body = r.error ?? (r.syncResponse ?? '(no output)').replace(/\n$/, '');
  return `${heading}${id}\n${body}\n`;
}

// Owns: the text of an `eciExec/runResult` notification in the "ECI Exec" output channel. Pure.

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
}

/** Header line then the output (or the error), as appended to the channel. */
export function formatRunResult(r: RunResult, now: Date = new Date()): string {
  const file = decodeURIComponent(r.uri.replace(/^.*\//, ''));
  const id = r.requestId ? ` [RequestId ${r.requestId}]` : '';
  const body = r.error ?? (r.syncResponse ?? '(no output)').replace(/\n$/, '');
  return `[${now.toISOString()}] ${r.name} (${file} #${r.index})${id}\n${body}\n`;
}

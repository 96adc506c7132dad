// Owns: the text of an `eciExec/runResult` notification in the "ECI Exec" output channel. Pure.

export interface RunResult {
  uri: string;
  index: number;
  /** The entry's name (Label, else container and command). */
  name?: string;
  range?: unknown;
  syncResponse?: string;
  error?: string | { code?: string; message?: string; Code?: string; Message?: string };
  requestId?: string;
}

/** `✗ Code: Message`, the contract's form of an API error, whatever shape the server sent. */
export function errorText(error: RunResult['error']): string {
  if (typeof error === 'string') return error.startsWith('✗') ? error : `✗ ${error}`;
  const code = error?.code ?? error?.Code ?? 'Error';
  const message = error?.message ?? error?.Message ?? '';
  return `✗ ${code}: ${message}`;
}

/** Header line then the output (or the error), as appended to the channel. */
export function formatRunResult(r: RunResult, label: string | undefined, now: Date = new Date()): string {
  const file = decodeURIComponent(r.uri.replace(/^.*\//, ''));
  const name = label ? `${label} (${file} #${r.index})` : `${file} #${r.index}`;
  const id = r.requestId ? ` [RequestId ${r.requestId}]` : '';
  const body =
    r.error !== undefined && r.error !== null ? errorText(r.error) : (r.syncResponse ?? '(no output)').replace(/\n$/, '');
  return `[${now.toISOString()}] ${name}${id}\n${body}\n`;
}

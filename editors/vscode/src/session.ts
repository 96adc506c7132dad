// Owns: what the extension needs to open a session (a shell, a command's live output) in an
// integrated terminal: which lenses open one, and the server binary's arguments. Pure (no
// `vscode` import) so unit tests can drive it.

/** The argument of a lens's `eciExec.run` command (docs/lsp-extensions.md). */
export interface LensArgs {
  uri: string;
  index: number;
  name?: string;
  kind?: 'run' | 'terminal' | 'stream';
}

/** The answer of `eciExec.sessionArgs`. */
export interface SessionArgs {
  args: string[];
  title: string;
}

/** The client-side command that lenses of TTY and streamed entries are rewritten to. */
export const OPEN_SESSION = 'eciExec.openSession';

/** Whether this lens argument opens a terminal (TTY entries) or a stream (other non-Sync entries). */
export function opensSession(args: unknown): args is LensArgs {
  const kind = (args as LensArgs | undefined)?.kind;
  return kind === 'terminal' || kind === 'stream';
}

/**
 * The server binary's arguments for the terminal: the server's, with `--yes` right after `exec`
 * only when the user turned the confirmation off (otherwise the terminal's own `[y/N]` prompt
 * is the confirmation).
 */
export function terminalArgs(session: SessionArgs, confirmRun: boolean): string[] {
  const [first, ...rest] = session.args;
  return confirmRun || first !== 'exec' ? [...session.args] : [first, '--yes', ...rest];
}

/**
 * An integrated terminal closes as soon as its process exits (extensions cannot ask VS Code to
 * wait), which would take a stream's output, or the reason a session failed, with it. So the
 * binary runs under `/bin/sh`, which waits for Enter after a stream, or after a session that
 * failed; a shell that exits 0 closes at once, as any terminal does. The arguments are passed
 * as positional parameters, never put into the script's text.
 */
export const HOLD_SCRIPT =
  'hold=$1; shift; "$@"; status=$?; ' +
  'if [ "$hold" = always ] || [ "$status" -ne 0 ]; then ' +
  'printf \'\\r\\n[session ended: exit status %s; press Enter to close]\' "$status"; read -r _; fi; ' +
  'exit "$status"';

/** How the terminal runs the session: the binary directly on Windows, else under `HOLD_SCRIPT`. */
export function terminalCommand(
  binary: string,
  args: string[],
  kind: LensArgs['kind'],
  platform: string,
): { shellPath: string; shellArgs: string[] } {
  if (platform === 'win32') return { shellPath: binary, shellArgs: args };
  const hold = kind === 'stream' ? 'always' : 'failure';
  return { shellPath: '/bin/sh', shellArgs: ['-c', HOLD_SCRIPT, 'eci-exec-session', hold, binary, ...args] };
}

// Owns: unit tests of opening sessions from lenses (src/session.ts).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { opensSession, terminalArgs, terminalCommand } = require('../out/session');

const session = { args: ['exec', '--region', 'r', '--instance', 'i', '--container', 'c', '--tty', '--', 'bash'], title: 'shell · c' };

test('terminal and stream lenses open a session; run lenses do not', () => {
  assert.equal(opensSession({ uri: 'file:///a', index: 0, kind: 'terminal' }), true);
  assert.equal(opensSession({ uri: 'file:///a', index: 1, kind: 'stream' }), true);
  assert.equal(opensSession({ uri: 'file:///a', index: 2, kind: 'run' }), false);
  assert.equal(opensSession(undefined), false);
});

test('--yes only when the confirmation is off, right after exec', () => {
  assert.deepEqual(terminalArgs(session, true), session.args);
  assert.deepEqual(terminalArgs(session, false), ['exec', '--yes', ...session.args.slice(1)]);
  assert.deepEqual(session.args[1], '--region', 'the answer itself is not changed');
});

/** Runs a terminal command as VS Code would, with `input` typed in. */
function runTerminal(command, input) {
  return spawnSync(command.shellPath, command.shellArgs, { input, encoding: 'utf8' });
}

test('a stream stays on screen until Enter; its arguments reach the binary untouched', () => {
  const odd = ['a b', '$(touch /tmp/x)', "it's", '--'];
  const command = terminalCommand('/bin/echo', odd, 'stream', 'linux');
  assert.equal(command.shellPath, '/bin/sh');
  const run = runTerminal(command, '\n');
  assert.equal(run.stdout, "a b $(touch /tmp/x) it's --\n\r\n[session ended: exit status 0; press Enter to close]");
  assert.equal(run.status, 0);
});

test('a shell that exits 0 closes at once; a failure stays with its status', () => {
  const ok = runTerminal(terminalCommand('/bin/sh', ['-c', 'exit 0'], 'terminal', 'linux'), '');
  assert.equal(ok.stdout, '');
  assert.equal(ok.status, 0);
  const failed = runTerminal(terminalCommand('/bin/sh', ['-c', 'exit 3'], 'terminal', 'linux'), '\n');
  assert.match(failed.stdout, /\[session ended: exit status 3; press Enter to close\]$/);
  assert.equal(failed.status, 3);
});

test('Windows runs the binary itself', () => {
  assert.deepEqual(terminalCommand('C:\\eci.exe', ['exec'], 'stream', 'win32'), { shellPath: 'C:\\eci.exe', shellArgs: ['exec'] });
});

// Owns: unit tests of the output-channel text for eciExec/runResult (src/runResult.ts).
const test = require('node:test');
const assert = require('node:assert/strict');
const { formatRunResult } = require('../out/runResult');

const at = new Date('2025-01-01T00:00:00Z');

test('output under the entry name and file', () => {
  const s = formatRunResult({ uri: 'file:///w/a%20b.eci.json', index: 1, name: 'web root', syncResponse: 'x\ny\n' }, at);
  assert.equal(s, '[2025-01-01T00:00:00.000Z] web root (a b.eci.json #1)\nx\ny\n');
});

test('an error is shown as the server sent it, with the RequestId', () => {
  const s = formatRunResult({ uri: 'file:///w/e.eci.json', index: 0, name: 'nginx: ls', error: '✗ IncorrectStatus: not running', requestId: 'R1' }, at);
  assert.equal(s, '[2025-01-01T00:00:00.000Z] nginx: ls (e.eci.json #0) [RequestId R1]\n✗ IncorrectStatus: not running\n');
});

test('a run without output says so', () => {
  const s = formatRunResult({ uri: 'file:///w/e.eci.json', index: 2, name: 'quiet', requestId: 'R2' }, at);
  assert.equal(s, '[2025-01-01T00:00:00.000Z] quiet (e.eci.json #2) [RequestId R2]\n(no output)\n');
});

test('a fleet run shows one section per target, failures first, outputs indented', () => {
  const s = formatRunResult({
    uri: 'file:///w/checks.eci.json', index: 0, name: 'uptime',
    summary: { ok: 2, failed: 1, skipped: 1 },
    targets: [
      { containerGroupId: 'eci-1', containerGroupName: 'web-1', status: 'ok', requestId: 'R1', syncResponse: 'up\nload 0.1\n' },
      { containerGroupId: 'eci-5', containerGroupName: 'web-5', status: 'skipped', reason: 'status is Pending, not Running' },
      { containerGroupId: 'eci-2', containerGroupName: 'web-2', status: 'failed', error: 'IncorrectStatus: not running' },
      { containerGroupId: 'eci-3', status: 'ok', syncResponse: '' },
    ],
  }, at);
  assert.equal(s,
    '[2025-01-01T00:00:00.000Z] uptime (checks.eci.json #0): 2 ok, 1 failed, 1 skipped\n' +
    '✗ web-2 (eci-2)\n  IncorrectStatus: not running\n' +
    '– web-5 (eci-5) skipped: status is Pending, not Running\n' +
    '✓ web-1 (eci-1) [RequestId R1]\n  up\n  load 0.1\n' +
    '✓ eci-3 (eci-3)\n  (no output)\n');
});

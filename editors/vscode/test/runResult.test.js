// Owns: unit tests of the output-channel text for eciExec/runResult (src/runResult.ts).
const test = require('node:test');
const assert = require('node:assert/strict');
const { formatRunResult, errorText } = require('../out/runResult');

const at = new Date('2025-01-01T00:00:00Z');

test('output with label', () => {
  const s = formatRunResult({ uri: 'file:///w/a%20b.eci.json', index: 1, syncResponse: 'x\ny\n' }, 'web root', at);
  assert.equal(s, '[2025-01-01T00:00:00.000Z] web root (a b.eci.json #1)\nx\ny\n');
});

test('API error renders as ✗ Code: Message', () => {
  const s = formatRunResult({ uri: 'file:///w/e.eci.json', index: 0, error: { code: 'IncorrectStatus', message: 'not running' }, requestId: 'R1' }, undefined, at);
  assert.equal(s, '[2025-01-01T00:00:00.000Z] e.eci.json #0 [RequestId R1]\n✗ IncorrectStatus: not running\n');
  assert.equal(errorText('✗ A: b'), '✗ A: b');
  assert.equal(errorText('A: b'), '✗ A: b');
});

test('a fleet run shows one section per target, failures first, outputs indented', () => {
  const s = formatRunResult({
    uri: 'file:///w/checks.eci.json', index: 0,
    summary: { ok: 2, failed: 1, skipped: 1 },
    targets: [
      { containerGroupId: 'eci-1', containerGroupName: 'web-1', status: 'ok', requestId: 'R1', syncResponse: 'up\nload 0.1\n' },
      { containerGroupId: 'eci-5', containerGroupName: 'web-5', status: 'skipped', reason: 'status is Pending, not Running' },
      { containerGroupId: 'eci-2', containerGroupName: 'web-2', status: 'failed', error: 'IncorrectStatus: not running' },
      { containerGroupId: 'eci-3', status: 'ok', syncResponse: '' },
    ],
  }, 'uptime', at);
  assert.equal(s,
    '[2025-01-01T00:00:00.000Z] uptime (checks.eci.json #0): 2 ok, 1 failed, 1 skipped\n' +
    '✗ web-2 (eci-2)\n  IncorrectStatus: not running\n' +
    '– web-5 (eci-5) skipped: status is Pending, not Running\n' +
    '✓ web-1 (eci-1) [RequestId R1]\n  up\n  load 0.1\n' +
    '✓ eci-3 (eci-3)\n  (no output)\n');
});

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

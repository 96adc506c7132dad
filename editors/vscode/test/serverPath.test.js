// Owns: unit tests of the server lookup order (src/serverPath.ts, compiled to out/).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { findServer, notFoundMessage } = require('../out/serverPath');

// Real files in a temp folder, so the default executable check (stat + X_OK) is exercised too.
function sandbox() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eci-lookup-'));
  const mk = (rel, mode = 0o755) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, mode);
    return file;
  };
  return { root, mk };
}

test('the setting wins over bundled and PATH', () => {
  const { root, mk } = sandbox();
  const custom = mk('custom/eci-exec-lsp');
  mk('ext/bundled/eci-exec-lsp');
  mk('bin/eci-exec-lsp');
  const r = findServer({ settingPath: custom, extensionPath: path.join(root, 'ext'), envPath: path.join(root, 'bin'), platform: 'linux' });
  assert.equal(r.found, true);
  assert.equal(r.source, 'setting');
  assert.equal(r.path, custom);
});

test('bundled is used when the setting is empty, before PATH', () => {
  const { root, mk } = sandbox();
  const bundled = mk('ext/bundled/eci-exec-lsp');
  mk('bin/eci-exec-lsp');
  const r = findServer({ settingPath: '', extensionPath: path.join(root, 'ext'), envPath: path.join(root, 'bin'), platform: 'linux' });
  assert.equal(r.source, 'bundled');
  assert.equal(r.path, bundled);
});

test('PATH is searched in order when nothing else exists; a non-executable file is skipped', () => {
  const { root, mk } = sandbox();
  mk('a/eci-exec-lsp', 0o644); // not executable
  const b = mk('b/eci-exec-lsp');
  mk('c/eci-exec-lsp');
  const envPath = ['', path.join(root, 'a'), path.join(root, 'b'), path.join(root, 'c')].join(':');
  const r = findServer({ extensionPath: path.join(root, 'ext'), envPath, platform: 'linux' });
  assert.equal(r.source, 'PATH');
  assert.equal(r.path, b);
  assert.deepEqual(r.tried.map((t) => t.source), ['bundled', 'PATH', 'PATH']);
});

test('a broken setting falls through but is recorded first', () => {
  const { root, mk } = sandbox();
  const bundled = mk('ext/bundled/eci-exec-lsp');
  const r = findServer({ settingPath: path.join(root, 'nope'), extensionPath: path.join(root, 'ext'), envPath: '', platform: 'linux' });
  assert.equal(r.path, bundled);
  assert.deepEqual(r.tried[0], { source: 'setting', path: path.join(root, 'nope') });
});

test('~ in the setting expands to the home folder', () => {
  const seen = [];
  findServer({ settingPath: '~/x/eci-exec-lsp', extensionPath: '/ext', envPath: '', platform: 'linux', homeDir: '/home/u', isExecutable: (f) => (seen.push(f), false) });
  assert.equal(seen[0], '/home/u/x/eci-exec-lsp');
});

test('not found: the error names every place tried', () => {
  const r = findServer({ settingPath: '/opt/x/eci-exec-lsp', extensionPath: '/ext', envPath: '/usr/bin:/bin', platform: 'linux', isExecutable: () => false });
  assert.equal(r.found, false);
  const msg = notFoundMessage(r.tried);
  for (const p of ['/opt/x/eci-exec-lsp', '/ext/bundled/eci-exec-lsp', '/usr/bin/eci-exec-lsp', '/bin/eci-exec-lsp']) {
    assert.ok(msg.includes(p), `message should name ${p}:\n${msg}`);
  }
  assert.match(msg, /eciExec\.server\.path/);
});

test('windows: .exe name and ; separator', () => {
  const seen = [];
  findServer({ extensionPath: 'C:\\ext', envPath: 'C:\\a;C:\\b', platform: 'win32', isExecutable: (f) => (seen.push(f), false) });
  assert.deepEqual(seen, ['C:\\ext\\bundled\\eci-exec-lsp.exe', 'C:\\a\\eci-exec-lsp.exe', 'C:\\b\\eci-exec-lsp.exe']);
});

// Owns: unit test of the extension entry point with the `vscode` module stubbed: settings are read
// from the `eciExec` section, and a missing server gives one clear error naming the places tried.
const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('module');
const os = require('os');
const fs = require('fs');
const path = require('path');

const shown = { errors: [], warnings: [] };
const config = { 'server.path': '/nonexistent/eci-exec-lsp', endpoint: 'http://127.0.0.1:1', cacheTtlSeconds: 7 };
const sectionsAsked = [];
const disposable = { dispose() {} };
const channel = () => ({ appendLine() {}, append() {}, show() {}, dispose() {}, name: 'x' });
const vscodeStub = {
  workspace: {
    getConfiguration: (section) => (sectionsAsked.push(section), { get: (k) => config[k] }),
    onDidChangeConfiguration: () => disposable,
  },
  window: {
    createOutputChannel: channel,
    showErrorMessage: (m) => (shown.errors.push(m), Promise.resolve(undefined)),
    showWarningMessage: (m) => (shown.warnings.push(m), Promise.resolve(undefined)),
    showInformationMessage: () => Promise.resolve(undefined),
  },
  commands: { registerCommand: () => disposable, executeCommand: () => Promise.resolve() },
};
// vscode-languageclient touches many vscode exports at load time; anything not stubbed is an inert class.
const stub = new Proxy(vscodeStub, { get: (t, k) => (k in t ? t[k] : class {}) });
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode-stub' : origResolve.call(this, request, ...rest);
};
require.cache['vscode-stub'] = { id: 'vscode-stub', filename: 'vscode-stub', loaded: true, exports: stub };

const ext = require('../out/extension');

test('currentOptions reads the eciExec section', () => {
  const o = ext._internal.currentOptions();
  assert.equal(sectionsAsked.at(-1), 'eciExec');
  assert.equal(o.endpoint, 'http://127.0.0.1:1');
  assert.equal(o.cacheTtlSeconds, 7);
});

test('activate without any server binary shows one error naming setting, bundled and PATH', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eci-ext-'));
  const savedPath = process.env.PATH;
  process.env.PATH = path.join(empty, 'bin');
  try {
    await ext.activate({ subscriptions: [], extensionPath: path.join(empty, 'ext') });
  } finally {
    process.env.PATH = savedPath;
  }
  assert.equal(shown.errors.length, 1);
  const msg = shown.errors[0];
  assert.ok(msg.includes('/nonexistent/eci-exec-lsp'), msg);
  assert.ok(msg.includes(path.join(empty, 'ext', 'bundled', 'eci-exec-lsp')), msg);
  assert.ok(msg.includes(path.join(empty, 'bin', 'eci-exec-lsp')), msg);
});

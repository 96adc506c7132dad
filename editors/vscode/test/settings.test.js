// Owns: unit tests of the settings -> server options mapping (src/settings.ts) and of the
// package.json declarations the mapping relies on (scopes, defaults, enum).
const test = require('node:test');
const assert = require('node:assert/strict');
const { toServerOptions } = require('../out/settings');
const pkg = require('../package.json');

const props = pkg.contributes.configuration.properties;
// A getter that behaves like WorkspaceConfiguration.get: declared defaults, then overrides.
const getter = (overrides = {}) => (key) => (key in overrides ? overrides[key] : props[`eciExec.${key}`]?.default);

test('defaults map to the contract defaults, with unset strings omitted', () => {
  assert.deepEqual(toServerOptions(getter()), { confirmRun: true, cacheTtlSeconds: 60, online: true, maxTargets: 20, runConcurrency: 8, signatureVersion: 'v2' });
});

test('every contract option is passed through', () => {
  const o = toServerOptions(getter({ profile: 'dev', regionId: 'cn-beijing', endpoint: 'http://127.0.0.1:9', signatureVersion: 'v3', confirmRun: false, cacheTtlSeconds: 5, online: false, maxTargets: 50, runConcurrency: 2 }));
  assert.deepEqual(o, { profile: 'dev', regionId: 'cn-beijing', endpoint: 'http://127.0.0.1:9', signatureVersion: 'v3', confirmRun: false, cacheTtlSeconds: 5, online: false, maxTargets: 50, runConcurrency: 2 });
});

test('cacheTtlSeconds is sent as a whole number', () => {
  assert.equal(toServerOptions(getter({ cacheTtlSeconds: 1.6 })).cacheTtlSeconds, 2);
});

test('client-only keys never reach the server', () => {
  const o = toServerOptions(getter({ 'server.path': '/x', 'trace.server': 'verbose' }));
  assert.ok(!('server' in o) && !('trace' in o) && !('server.path' in o));
});

test('wrong types and bad values fall back to defaults', () => {
  const o = toServerOptions(getter({ confirmRun: 'no', cacheTtlSeconds: -1, online: null, signatureVersion: 'v9', endpoint: '   ', maxTargets: 0, runConcurrency: 'many' }));
  assert.deepEqual(o, { confirmRun: true, cacheTtlSeconds: 60, online: true, maxTargets: 20, runConcurrency: 8 });
});

test('package.json declares every option; endpoint, profile, confirmRun and server.path are machine scope', () => {
  for (const k of ['profile', 'regionId', 'endpoint', 'signatureVersion', 'confirmRun', 'cacheTtlSeconds', 'online', 'maxTargets', 'runConcurrency', 'server.path', 'trace.server']) {
    assert.ok(props[`eciExec.${k}`], `eciExec.${k} declared`);
  }
  // A cloned repository's .vscode/settings.json must not redirect requests, pick a profile,
  // swap the binary or turn off the Run confirmation.
  for (const k of ['endpoint', 'profile', 'confirmRun', 'maxTargets', 'server.path']) assert.equal(props[`eciExec.${k}`].scope, 'machine', k);
  assert.deepEqual(props['eciExec.signatureVersion'].enum, ['v2', 'v3']);
  assert.equal(props['eciExec.confirmRun'].default, true);
  assert.equal(props['eciExec.cacheTtlSeconds'].default, 60);
  assert.equal(props['eciExec.online'].default, true);
  assert.equal(props['eciExec.maxTargets'].default, 20);
  assert.equal(props['eciExec.runConcurrency'].default, 8);
});

test('language contribution: file names, activation, and no JSON validation', () => {
  const lang = pkg.contributes.languages.find((l) => l.id === 'eci-exec');
  assert.deepEqual(lang.filenamePatterns, ['*.eci.json', '*.eci.jsonc']);
  assert.deepEqual(lang.filenames, ['eci-exec.json']);
  assert.deepEqual(pkg.activationEvents, ['onLanguage:eci-exec']);
  assert.equal(pkg.contributes.jsonValidation, undefined);
});

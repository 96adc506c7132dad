// Owns: starting a fresh code-server (real VS Code) for one test suite and driving it with
// Debian's headless Chromium through playwright-core; plus small helpers the suites share.
// A fresh server per suite in its own process group: old extension hosts linger otherwise.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const http = require('http');

const here = __dirname;
const codeServer = path.join(here, '..', 'node_modules', '.bin', 'code-server');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => { res.resume(); resolve(res.statusCode === 200); })
      .on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts code-server on `workspace` with the VSIX installed and `settings` as user settings.
 * Returns { url, page, browser, stop() }.
 */
async function launch({ runDir, workspace, vsix, settings, env, unsetEnv = [] }) {
  const ud = path.join(runDir, 'ud');
  const ext = path.join(runDir, 'ext');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'editor.inlayHints.enabled': 'on',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'editor.hover.delay': 200,
    ...settings,
  }, null, 2));
  execFileSync(codeServer, ['--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix], { stdio: 'pipe' });

  const childEnv = { ...process.env, ...env };
  for (const k of unsetEnv) delete childEnv[k];
  const port = await freePort();
  const log = fs.openSync(path.join(runDir, 'code-server.log'), 'w');
  const proc = spawn(codeServer, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', ud, '--extensions-dir', ext, workspace,
  ], { detached: true, stdio: ['ignore', log, log], env: childEnv }); // detached = setsid
  const stopServer = () => { try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ } };
  for (let i = 0; i < 150 && !(await healthy(port)); i++) await sleep(200);
  if (!(await healthy(port))) { stopServer(); throw new Error(`code-server did not answer /healthz (see ${runDir}/code-server.log)`); }

  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  return {
    page, browser, url, port,
    async stop() {
      await browser.close().catch(() => {});
      stopServer();
      await sleep(300);
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    },
  };
}

/** Opens a file of the workspace by clicking its Explorer row (Ctrl+P was flaky). */
async function openFile(page, name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30000 });
  await row.click();
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Moves the cursor with Go to Line (1-based line and column). */
async function goTo(page, line, column) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await sleep(150);
}

/** Shows the hover at the cursor (editor.action.showHover) and returns its text. */
async function hoverAt(page, line, column, want, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    await goTo(page, line, column);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await sleep(700);
    text = (await page.locator('.monaco-hover').allInnerTexts().catch(() => [])).join('\n');
    if (want(text)) return text;
    await page.keyboard.press('Escape');
  }
  throw new Error(`hover at ${line}:${column} never matched; last: ${JSON.stringify(text)}`);
}

/** Text fragments of the editor's lines: leaf spans and the ::before/::after content inlay hints use. */
async function viewFragments(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('.monaco-editor .view-lines *')) {
      for (const pseudo of ['::before', '::after']) {
        const c = getComputedStyle(el, pseudo).content;
        if (c && c !== 'none' && c !== 'normal') out.push(c.replace(/^"|"$/g, ''));
      }
      if (el.children.length === 0) out.push(el.textContent);
    }
    return out.map((t) => t.replace(/\u00a0/g, ' '));
  });
}

module.exports = { launch, openFile, goTo, hoverAt, viewFragments, sleep };

// Owns: the VS Code e2e tests: code-server (VS Code 1.99) + the packaged VSIX, driven by headless
// Chromium. Prints `PASS vscode: ...` / `FAIL vscode: ...` lines that run.sh counts; a screenshot
// per failure goes to tests/e2e/artifacts/.
// Env: E2E_REPO, E2E_VSIX, E2E_RUN_DIR, E2E_SUITES=offline[,online]; for online also
// E2E_ONLINE_DIR, E2E_EXPECT_OUTPUT, E2E_ENDPOINT and the credentials env (passed to code-server).
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { launch, openFile, goTo, hoverAt, viewFragments, sleep } = require('./codeserver');

const repo = process.env.E2E_REPO;
const vsix = process.env.E2E_VSIX;
const runDir = process.env.E2E_RUN_DIR;
const server = process.env.E2E_SERVER || path.join(repo, 'target', 'debug', 'eci-exec-lsp');
const artifacts = path.join(repo, 'tests', 'e2e', 'artifacts');
const suites = (process.env.E2E_SUITES || 'offline').split(',');
let passed = 0;
let failed = 0;

async function test(ctx, name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`PASS vscode: ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    fs.mkdirSync(artifacts, { recursive: true });
    const shot = path.join(artifacts, `vscode-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await ctx?.page?.screenshot({ path: shot }).catch(() => {});
    console.log(`FAIL vscode: ${name} (${Date.now() - t0} ms): ${String(e && e.stack || e).split('\n').join('\n    ')}\n    screenshot: ${shot}`);
  }
}

/** Until `fn` returns truthy or the time is up; returns the last value. */
async function until(ms, fn, what) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await fn().catch((e) => (last = e, undefined));
    if (last) return last;
    await sleep(250);
  }
  throw new Error(`timed out after ${ms} ms: ${what}`);
}

/** Copies fixture files into a fresh workspace folder for this run. */
function workspace(name, files) {
  const ws = path.join(runDir, name, 'ws');
  fs.mkdirSync(ws, { recursive: true });
  for (const f of files) fs.copyFileSync(f, path.join(ws, path.basename(f)));
  return ws;
}

/** Errors and warnings the command-line checker reports for a file. */
function serverCounts(file) {
  let out = '';
  try {
    out = execFileSync(server, ['check', '--format', 'json', file], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout || ''; // exit status 1 means "has errors": the output is still the answer
  }
  const lines = out.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
  return {
    total: lines.length,
    errors: lines.filter((d) => d.severity === 'error').length,
    warnings: lines.filter((d) => d.severity === 'warning').length,
  };
}

/** The status bar problems item, as numbers. Its aria-label reads like "Errors: 3, Warnings: 2". */
async function problemsCount(page) {
  const item = page.locator('[id="status.problems"]');
  const label = (await item.getAttribute('aria-label').catch(() => null)) || (await item.innerText().catch(() => '')) || '';
  const num = (re) => { const m = label.match(re); return m ? Number(m[1]) : 0; };
  return { label, errors: num(/Errors?:\s*(\d+)/i), warnings: num(/Warnings?:\s*(\d+)/i) };
}

async function offline() {
  const fixtures = path.join(repo, 'tests/e2e/workspace/offline');
  const ws = workspace('offline', ['offline.eci.json', 'format.eci.json'].map((f) => path.join(fixtures, f)));
  const ctx = await launch({
    runDir: path.join(runDir, 'offline'), workspace: ws, vsix,
    settings: {
      'eciExec.confirmRun': false, 'eciExec.online': false,
      // The indentation format.eci.json.expected uses.
      'editor.tabSize': 2, 'editor.insertSpaces': true, 'editor.detectIndentation': false,
    },
  });
  try {
    await test(ctx, 'extension activates and squiggles appear', async () => {
      await openFile(ctx.page, 'offline.eci.json');
      await ctx.page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30000 });
      await ctx.page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 10000 });
      const mode = await ctx.page.locator('[id="status.editor.mode"]').innerText();
      if (!/ECI Exec/i.test(mode)) throw new Error(`language mode is ${mode}, not ECI Exec`);
    });
    await test(ctx, 'problems count matches the server check', async () => {
      const want = serverCounts(path.join(ws, 'offline.eci.json'));
      if (want.total === 0) throw new Error('the server check reports no diagnostics for the fixture');
      let got;
      await until(20000, async () => {
        got = await problemsCount(ctx.page);
        return got.errors === want.errors && got.warnings === want.warnings;
      }, `problems ${JSON.stringify(got)} to equal check ${JSON.stringify(want)}`);
    });
    await test(ctx, 'hover shows field docs', async () => {
      // Line 7 (1-based) holds entry 0; column of `"Sync"` + 2 is inside the key.
      const line = fs.readFileSync(path.join(ws, 'offline.eci.json'), 'utf8').split('\n')[6];
      await hoverAt(ctx.page, 7, line.indexOf('"Sync"') + 3, (t) => /SyncResponse|output/i.test(t));
    });
    await test(ctx, 'Format Document (palette) formats as the contract says', async () => {
      const file = path.join(ws, 'format.eci.json');
      const want = fs.readFileSync(path.join(fixtures, 'format.eci.json.expected'), 'utf8');
      await openFile(ctx.page, 'format.eci.json');
      await ctx.page.locator('.monaco-editor .view-lines').first().click();
      await ctx.page.keyboard.press('F1');
      await ctx.page.keyboard.type('Format Document');
      await ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: /^Format Document/ }).first().waitFor();
      await sleep(300);
      await ctx.page.keyboard.press('Enter');
      // Saved, the formatted text can be read back from the file exactly.
      let got = '';
      await until(20000, async () => {
        await ctx.page.keyboard.press('Control+S');
        await sleep(500);
        got = fs.readFileSync(file, 'utf8');
        return got === want;
      }, 'the saved file to equal format.eci.json.expected').catch((e) => {
        throw new Error(`${e.message}; it reads:\n${got}`);
      });
    });
  } finally {
    await ctx.stop();
  }
}

async function online() {
  const dir = process.env.E2E_ONLINE_DIR;
  const expect = process.env.E2E_EXPECT_OUTPUT;
  const ws = workspace('online', [path.join(dir, 'run.eci.json'), path.join(dir, 'fleet.eci.json'), path.join(dir, 'session.eci.json')]);
  // A hostile workspace setting: endpoint is machine-scoped, so VS Code must ignore it. If it were
  // honoured, the run below would go to a dead port and fail.
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'eciExec.endpoint': 'http://127.0.0.1:9' }));
  // The endpoint goes through the machine-scoped setting: this also checks that it reaches the server.
  const ctx = await launch({
    runDir: path.join(runDir, 'online'), workspace: ws, vsix,
    // The DOM renderer: the terminal's text is then in the page, for the session tests.
    settings: { 'eciExec.confirmRun': false, 'eciExec.endpoint': process.env.E2E_ENDPOINT, 'terminal.integrated.gpuAcceleration': 'off' },
    unsetEnv: ['ECI_EXEC_ENDPOINT'],
  });
  try {
    await test(ctx, 'the lens shows its instance status once the list lands', async () => {
      await openFile(ctx.page, 'run.eci.json');
      const lens = ctx.page.locator('.monaco-editor .codelens-decoration a', { hasText: '● Running' }).first();
      await lens.waitFor({ timeout: 20000 });
    });

    await test(ctx, 'clicking ▶ Run shows the output as inlay hint and in the hover', async () => {
      await openFile(ctx.page, 'run.eci.json');
      const lens = ctx.page.locator('.monaco-editor .codelens-decoration a', { hasText: '▶ Run' }).first();
      await lens.waitFor({ timeout: 20000 });
      await lens.click();
      // One fragment holding both: the hint itself, not the arrow next to the source text.
      await until(20000, async () => (await viewFragments(ctx.page)).some((t) => t.includes('⇒') && t.includes(expect)),
        `an inlay hint "⇒ ${expect}"`);
      const lines = fs.readFileSync(path.join(ws, 'run.eci.json'), 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes('"Command"'));
      // On the Command's value (the key's hover is the field's docs).
      await hoverAt(ctx.page, i + 1, lines[i].indexOf('"uname"') + 3, (t) => t.includes(expect));
    });
    await test(ctx, 'Run Entry at Cursor (palette) writes the result to the "ECI Exec" output channel', async () => {
      // The runResult handler shows the channel; count the results in it before and after.
      const panelText = () => outputPanelText(ctx.page);
      const count = async () => (await panelText()).split(expect).length - 1;
      const before = await count();
      const lines = fs.readFileSync(path.join(ws, 'run.eci.json'), 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes('"ContainerName"'));
      await goTo(ctx.page, i + 1, 5);
      await ctx.page.keyboard.press('F1');
      await ctx.page.keyboard.type('ECI Exec: Run Entry at Cursor');
      await sleep(300);
      await ctx.page.keyboard.press('Enter');
      await until(20000, async () => (await count()) > before,
        `a new "${expect}" in the ECI Exec output channel (had ${before}; panel: ${JSON.stringify((await panelText()).slice(-300))})`);
      const channel = await ctx.page.locator('.part.panel .monaco-select-box, .part.panel select').first().inputValue().catch(() => '');
      if (channel && !/ECI Exec/.test(channel)) throw new Error(`output panel shows channel ${channel}`);
    });
    await test(ctx, 'a Tags selector runs on every running web replica; the output channel has one section each', async () => {
      // fleet.eci.json: Tags app=web; the fake's web-1 to web-4 run nginx, web-5 and web-6 are skipped.
      const panelText = () => outputPanelText(ctx.page);
      await openFile(ctx.page, 'fleet.eci.json');
      await clickLens(ctx.page, '▶ Run');
      await until(20000, async () => (await viewFragments(ctx.page)).some((t) => t.includes('⇒ 4/4 ok')),
        'an inlay hint "⇒ 4/4 ok · …"');
      const sections = [1, 2, 3, 4].map((n) => `✓ web-${n} (eci-bp1fakerep0000${n})`);
      await until(20000, async () => {
        const text = await panelText();
        return sections.every((s) => text.includes(s)) && text.includes('– web-5 (eci-bp1fakerep00005) skipped');
      }, `sections ${sections.join(', ')} in the ECI Exec output channel (panel: ${JSON.stringify((await panelText()).slice(-600))})`);
      const text = await panelText();
      if (text.lastIndexOf('– web-6') > text.lastIndexOf('✓ web-1')) throw new Error(`skipped instances come before ok ones: ${text.slice(-600)}`);
    });
    await test(ctx, '▶ Open terminal opens an integrated terminal with a working shell, and shows its exit', async () => {
      await openFile(ctx.page, 'session.eci.json');
      await clickLens(ctx.page, '▶ Open terminal');
      await until(20000, async () => (await terminalText(ctx.page)).includes('$ '), 'the shell prompt in the terminal');
      await ctx.page.locator('.terminal-wrapper.active .xterm').first().click();
      await ctx.page.keyboard.type('echo from vscode');
      await ctx.page.keyboard.press('Enter');
      await until(10000, async () => /^from vscode\s*$/m.test(await terminalText(ctx.page)),
        `"from vscode" echoed (terminal: ${JSON.stringify((await terminalText(ctx.page)).slice(-300))})`);
      await ctx.page.keyboard.type('exit 3');
      await ctx.page.keyboard.press('Enter');
      await until(10000, async () => (await terminalText(ctx.page)).includes('[session ended: exit status 3; press Enter to close]'),
        'the exit status in the terminal');
      const names = await ctx.page.locator('.part.panel').innerText().catch(() => '');
      if (!names.includes('shell · nginx')) throw new Error(`no terminal named "shell · nginx" in the panel: ${JSON.stringify(names.slice(0, 300))}`);
      await ctx.page.keyboard.press('Enter');
    });
    await test(ctx, '▶ Stream shows the output as it comes, then its exit', async () => {
      await openFile(ctx.page, 'session.eci.json');
      await clickLens(ctx.page, '▶ Stream');
      let first;
      await until(20000, async () => {
        const text = await terminalText(ctx.page);
        if (!first && /^1\s*$/m.test(text)) first = Date.now();
        return first && /^5\s*$/m.test(text);
      }, 'lines 1 to 5 in the terminal');
      // `seq 5 400` on the fake: 1.6 s from the first line to the last; they came as produced.
      const ms = Date.now() - first;
      if (ms < 1000) throw new Error(`line 1 showed only ${ms} ms before line 5`);
      await until(10000, async () => (await terminalText(ctx.page)).includes('[session ended: exit status 0; press Enter to close]'),
        'the exit status in the terminal');
    });
  } finally {
    await ctx.stop();
  }
}

/** The text of the output panel's visible lines (the "ECI Exec" channel once a result showed it). */
async function outputPanelText(page) {
  const lines = await page.locator('.part.panel .monaco-editor .view-lines').allInnerTexts().catch(() => []);
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** Clicks the code lens titled `title` in the active editor. */
async function clickLens(page, title) {
  const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: title }).first();
  await lens.waitFor({ timeout: 20000 });
  await lens.click();
}

/** The text of the active terminal (DOM renderer), rows joined by newlines. */
async function terminalText(page) {
  const rows = await page.locator('.terminal-wrapper.active .xterm-rows').allInnerTexts().catch(() => []);
  return rows.join('\n').replace(/\u00a0/g, ' ');
}

(async () => {
  for (const s of suites) {
    try {
      await ({ offline, online })[s]();
    } catch (e) {
      failed++;
      console.log(`FAIL vscode: ${s} suite could not start: ${e && e.stack || e}`);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
})();

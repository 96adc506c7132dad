// Owns: the VS Code side of eci-exec-lsp: starting the server, settings, commands, the
// "ECI Exec" output channel for `eciExec/runResult`, and sessions (TTY and streamed entries) in
// integrated terminals running the server binary.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CodeActionRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions as LcServerOptions,
} from 'vscode-languageclient/node';
import type { CodeAction, CodeLens, Command } from 'vscode-languageclient/node';
import { binaryName, findServer, notFoundMessage } from './serverPath';
import { toServerOptions } from './settings';
import { formatRunResult, RunResult } from './runResult';
import { LensArgs, OPEN_SESSION, opensSession, SessionArgs, terminalArgs, terminalCommand } from './session';

const LANGUAGE_ID = 'eci-exec';
const SECTION = 'eciExec';
const RUN_KIND = 'source.eciExec.run';

let client: LanguageClient | undefined;
/** The server binary the client runs; sessions run it too. */
let serverBinary: string | undefined;
let results: vscode.OutputChannel;
let log: vscode.OutputChannel;

function currentOptions() {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return toServerOptions((key) => cfg.get(key));
}

/** Some VSIX installs drop the execute bit of bundled files; put it back before the lookup. */
function restoreBundledExecBit(extensionPath: string): void {
  const file = path.join(extensionPath, 'bundled', binaryName());
  try {
    if (process.platform !== 'win32' && fs.existsSync(file)) fs.chmodSync(file, 0o755);
  } catch {
    // Read-only install: the lookup reports it as not executable and goes on to PATH.
  }
}

function makeClient(context: vscode.ExtensionContext): LanguageClient | undefined {
  restoreBundledExecBit(context.extensionPath);
  const lookup = findServer({
    settingPath: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
    extensionPath: context.extensionPath,
    envPath: process.env.PATH,
  });
  if (!lookup.found) {
    const msg = notFoundMessage(lookup.tried);
    log.appendLine(msg);
    void vscode.window.showErrorMessage(msg, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'eciExec.server.path');
    });
    return undefined;
  }
  if (lookup.source !== 'setting' && lookup.tried[0]?.source === 'setting') {
    // The user set a path that is not an executable: say so instead of quietly using another binary.
    void vscode.window.showWarningMessage(
      `ECI Exec: "eciExec.server.path" (${lookup.tried[0].path}) is not an executable; using ${lookup.path}.`,
    );
  }
  log.appendLine(`Using ${lookup.path} (${lookup.source})`);
  serverBinary = lookup.path;

  // No `transport` on purpose: with TransportKind.stdio the client appends `--stdio`, which the
  // server's command line rejects. Without it the client still talks over stdin/stdout.
  const serverOptions: LcServerOptions = { command: lookup.path, args: ['serve'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    initializationOptions: currentOptions(),
    outputChannel: log,
    middleware: {
      // Lenses of TTY and streamed entries open a terminal here instead of asking the server
      // to open the console URL (`eciExec.run`); the lens arguments stay the same.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        for (const lens of lenses ?? []) {
          if (lens.command?.command === 'eciExec.run' && opensSession(lens.command.arguments?.[0])) {
            lens.command = { ...lens.command, command: OPEN_SESSION };
          }
        }
        return lenses;
      },
    },
  };
  const c = new LanguageClient('eciExec', 'ECI Exec Language Server', serverOptions, clientOptions);
  c.onNotification('eciExec/runResult', (params: RunResult) => showRunResult(params));
  return c;
}

function showRunResult(r: RunResult): void {
  results.append(formatRunResult(r));
  results.show(true);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = makeClient(context);
  // A failed start must not fail activation: the commands (restart, show log) stay usable.
  await client?.start().catch((e) => {
    log.appendLine(`Starting the server failed: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage('ECI Exec: the language server failed to start. See "ECI Exec: Show Server Log".');
  });
}

function activeDoc(): vscode.TextEditor | undefined {
  const ed = vscode.window.activeTextEditor;
  if (!ed || ed.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showInformationMessage('ECI Exec: open an exec config (*.eci.json) first.');
    return undefined;
  }
  return ed;
}

async function execute(cmd: Command): Promise<void> {
  if (!client) return;
  if (opensSession(cmd.arguments?.[0])) return openSession(cmd.arguments[0]);
  await client.sendRequest(ExecuteCommandRequest.type, { command: cmd.command, arguments: cmd.arguments });
}

/**
 * Opens an integrated terminal named after the entry, running the server binary with the
 * arguments of `eciExec.sessionArgs`: a shell, or the command's output as it comes (kept on
 * screen after a stream or a failure: see `terminalCommand`).
 */
async function openSession(args: LensArgs): Promise<void> {
  if (!client || !serverBinary) return;
  let session: SessionArgs;
  try {
    session = await client.sendRequest(ExecuteCommandRequest.type, { command: 'eciExec.sessionArgs', arguments: [args] });
  } catch (e) {
    void vscode.window.showErrorMessage(`ECI Exec: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const confirmRun = vscode.workspace.getConfiguration(SECTION).get<boolean>('confirmRun', true);
  const command = terminalCommand(serverBinary, terminalArgs(session, confirmRun), args.kind, process.platform);
  const terminal = vscode.window.createTerminal({ name: session.title, ...command });
  terminal.show();
}

/** Runs the entry under the cursor: the server's `source.eciExec.run` code action there. */
async function runAtCursor(): Promise<void> {
  const ed = activeDoc();
  if (!ed || !client) return;
  const c = client;
  const pos = c.code2ProtocolConverter.asPosition(ed.selection.active);
  const actions =
    (await c.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: ed.document.uri.toString() },
      range: { start: pos, end: pos },
      context: { diagnostics: [], only: [RUN_KIND], triggerKind: 1 },
    })) ?? [];
  for (const a of actions) {
    // A bare Command has a string `command`; a CodeAction has `kind` and maybe a `command` object.
    if (typeof (a as Command).command === 'string') return execute(a as Command);
    const action = a as CodeAction;
    if (action.command && (!action.kind || action.kind.startsWith(RUN_KIND))) return execute(action.command);
  }
  void vscode.window.showInformationMessage('ECI Exec: no runnable entry under the cursor.');
}

/** Runs every Sync entry: those whose lens argument says `kind: "run"` (docs/lsp-extensions.md). */
async function runAllSync(): Promise<void> {
  const ed = activeDoc();
  if (!ed || !client) return;
  const c = client;
  const lenses: CodeLens[] =
    (await c.sendRequest(CodeLensRequest.type, { textDocument: { uri: ed.document.uri.toString() } })) ?? [];
  let ran = 0;
  for (let lens of lenses) {
    if (!lens.command) lens = await c.sendRequest(CodeLensResolveRequest.type, lens);
    if (lens.command && isRunLens(lens.command)) {
      ran++;
      // A refused or failed entry (no target, an API error) must not stop the ones after it.
      await execute(lens.command).catch((e) =>
        vscode.window.showErrorMessage(`ECI Exec: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  }
  if (ran === 0) void vscode.window.showInformationMessage('ECI Exec: no Sync entries in this file.');
}

/** A lens that runs a Sync entry (not one that opens a terminal or a stream). */
function isRunLens(cmd: Command): boolean {
  const args = cmd.arguments?.[0] as { kind?: string } | undefined;
  return args?.kind === 'run';
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  results = vscode.window.createOutputChannel('ECI Exec');
  log = vscode.window.createOutputChannel('ECI Exec Language Server');
  context.subscriptions.push(
    results,
    log,
    vscode.commands.registerCommand('eciExec.runAtCursor', runAtCursor),
    vscode.commands.registerCommand('eciExec.runAllSync', runAllSync),
    vscode.commands.registerCommand(OPEN_SESSION, openSession),
    vscode.commands.registerCommand('eciExec.restartServer', async () => {
      await client?.stop().catch(() => undefined);
      await start(context);
    }),
    vscode.commands.registerCommand('eciExec.showLog', () => log.show()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.server.path`)) {
        await client?.stop().catch(() => undefined);
        return start(context);
      }
      // Push the new options (the server never pulls them with workspace/configuration).
      await client?.sendNotification('workspace/didChangeConfiguration', { settings: { [SECTION]: currentOptions() } });
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

// Re-exported for the unit tests, which load this module with a stubbed `vscode`.
export const _internal = { currentOptions };

// Entry point the extension host loads as extensionTestsPath (code-server and test-electron alike):
// runs every out/test/integration/**/*.test.js with mocha.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/**
 * Under code-server the runner receives this process's console mixed with the workbench's own log;
 * it sets DEVPROC_CONSOLE_MARKER so our lines (mocha's and the extension's) can be told apart.
 */
function markConsole(marker: string): void {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    // defineProperty: the extension host installs console methods as accessors with no-op setters.
    Object.defineProperty(console, level, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => original(marker + util.format(...args)),
    });
  }
  // The reporters captured console.log when mocha was loaded.
  Mocha.reporters.Base.consoleLog = console.log;
}

export function run(): Promise<void> {
  const marker = process.env.DEVPROC_CONSOLE_MARKER;
  if (marker) markConsole(marker);
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    reporter: 'spec',
    // The extension host has no TTY and forwards console lines: no colours or cursor tricks.
    color: false,
    // The @untrusted tests need a workspace that is not trusted: a run of their own (DEVPROC_TRUST).
    // The @reload tests reload the window: a run of their own too (DEVPROC_TEST_GREP=@reload).
    // The @watch tests get a fresh window too, so the files they change are there before the
    // editor's watcher starts (see "Known limit" in docs/watch.md).
    grep: process.env.DEVPROC_TEST_GREP ?? (process.env.DEVPROC_TRUST === 'untrusted' ? '@untrusted' : '@untrusted|@reload|@watch'),
    invert: process.env.DEVPROC_TEST_INVERT === '1' || (process.env.DEVPROC_TEST_GREP === undefined && process.env.DEVPROC_TRUST !== 'untrusted'),
  });
  const testsRoot = __dirname;
  const files = fs
    .readdirSync(testsRoot, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(testsRoot, f));

  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files under ${testsRoot}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}

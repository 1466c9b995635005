import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessEngine } from '../../../../src/engine/engine';
import type { ProcessSnapshot } from '../../../../src/engine/run/snapshot';
import type { FileWatcherFactory, WatchRequest, WatchSink } from '../../../../src/engine/watch/watchTypes';
import type { ProcessSpec, WatchSpec } from '../../../../src/core/types';
import { makeEngine, nodeSpec, repoRoot, waitFor, waitForLine } from '../../helpers';

const TIMINGS = { loopWindowMs: 2000, loopRestarts: 3, readyTimeoutMs: 5000, settleMs: 1000 };

/** Watchers the test fires by hand. */
class FakeWatchers implements FileWatcherFactory {
  readonly sinks = new Map<string, WatchSink>();
  made = 0;
  disposed = 0;
  failWith: string | undefined;

  watch(request: WatchRequest, sink: WatchSink) {
    this.made++;
    if (this.failWith) {
      sink.failed(this.failWith);
      return { dispose() {} };
    }
    this.sinks.set(request.name, sink);
    return {
      dispose: () => {
        this.disposed++;
        if (this.sinks.get(request.name) === sink) this.sinks.delete(request.name);
      },
    };
  }

  touch(name: string, file: string): void {
    const sink = this.sinks.get(name);
    assert.ok(sink, `"${name}" is watched`);
    sink.changed(`${repoRoot}/${file}`);
  }
}

function watched(name: string, watch: Partial<WatchSpec> = {}, script = 'hang.js', args: string[] = [], extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return nodeSpec(name, script, args, { watch: { paths: [`${repoRoot}/**`], exclude: [], debounceMs: 30, action: 'restart', overlap: false, ...watch }, ...extra });
}

function setup(t: { after(fn: () => unknown): void }, specs: ProcessSpec[]): { engine: ProcessEngine; watchers: FakeWatchers } {
  const watchers = new FakeWatchers();
  return { engine: makeEngine(t, specs, { fileWatcher: watchers, watchTimings: TIMINGS }), watchers };
}

function running(engine: ProcessEngine, name: string): ProcessSnapshot[] {
  return engine.list().filter((r) => r.name === name && r.state === 'running');
}

/** The one running run of `name` other than `not`, once there is one. */
async function nextRun(engine: ProcessEngine, name: string, not: string): Promise<ProcessSnapshot> {
  await waitFor(() => running(engine, name).some((r) => r.id !== not), `a new run of "${name}"`);
  return running(engine, name).find((r) => r.id !== not)!;
}

async function started(engine: ProcessEngine, watchers: FakeWatchers, name: string): Promise<ProcessSnapshot> {
  const id = await engine.spawn(name);
  await waitFor(() => engine.get(id)?.state === 'running' && watchers.sinks.has(name), `"${name}" running and watched`);
  return engine.get(id)!;
}

describe('watch: a change restarts the service', () => {
  test('after the debounce, once for a burst, naming the file; excluded files do nothing', async (t) => {
    const { engine, watchers } = setup(t, [watched('web')]);
    const first = await started(engine, watchers, 'web');
    watchers.touch('web', 'node_modules/x/index.js');
    watchers.touch('web', 'src/app.ts');
    watchers.touch('web', 'src/b.ts');
    watchers.touch('web', 'src/app.ts');
    await waitForLine(engine, first.id, /^restarting: src\/app\.ts and 1 more file changed$/);
    const next = await nextRun(engine, 'web', first.id);
    assert.notEqual(next.pid, first.pid);
    await waitForLine(engine, next.id, /^restarted: src\/app\.ts and 1 more file changed$/);
    await waitFor(() => engine.get(next.id)?.watch?.status === 'watching', 'the watch to settle');
    assert.deepEqual(engine.get(next.id)!.watch!.lastChange!.file, 'src/app.ts');
    assert.equal(engine.list().filter((r) => r.name === 'web').length, 2, 'one restart for the burst');
  });

  test('"none" only says so', async (t) => {
    const { engine, watchers } = setup(t, [watched('web', { action: 'none' })]);
    const first = await started(engine, watchers, 'web');
    watchers.touch('web', 'src/app.ts');
    await waitForLine(engine, first.id, /^changed: src\/app\.ts \("watch\.action" is "none": not restarting\)$/);
    assert.equal(engine.get(first.id)!.state, 'running');
    assert.equal(engine.get(first.id)!.watch!.lastChange!.file, 'src/app.ts');
  });

  test('watches only while the service runs; a failed watcher leaves it running unwatched', async (t) => {
    const { engine, watchers } = setup(t, [watched('web')]);
    assert.equal(watchers.made, 0, 'nothing watched before it starts');
    const first = await started(engine, watchers, 'web');
    await engine.kill(first.id);
    await waitFor(() => watchers.disposed === 1, 'the watcher disposed');
    watchers.failWith = 'too many watches (ENOSPC)';
    const id = await engine.spawn('web');
    await waitFor(() => engine.get(id)?.state === 'running', 'running');
    await waitForLine(engine, id, /^not watched: too many watches \(ENOSPC\); it keeps running without restarts on change\.$/);
    await waitFor(() => engine.get(id)?.watch?.status === 'unwatched', 'unwatched');
    assert.equal(engine.get(id)!.state, 'running');
  });

  test('a changed "watch" makes a new watcher; an unchanged one, or another field, keeps it', async (t) => {
    const web = watched('web');
    const { engine, watchers } = setup(t, [web]);
    await started(engine, watchers, 'web');
    engine.setDefinitions([{ ...web, env: { A: '1' } }]);
    assert.equal(watchers.made, 1);
    engine.setDefinitions([watched('web', { paths: [`${repoRoot}/src/**`] })]);
    assert.equal(watchers.disposed, 1);
    assert.equal(watchers.made, 2);
    engine.setDefinitions([]);
    assert.equal(watchers.disposed, 2, 'a removed definition is no longer watched');
  });

  test('restart-with-dependents restarts the live dependents once it is up again', async (t) => {
    const { engine, watchers } = setup(t, [watched('web', { action: 'restart-with-dependents' }), nodeSpec('api', 'hang.js', [], { dependsOn: [{ name: 'web', condition: 'started' }] })]);
    const api = await engine.spawn('api');
    await waitFor(() => engine.get(api)?.state === 'running' && watchers.sinks.has('web'), 'api and web running');
    const web = running(engine, 'web')[0];
    watchers.touch('web', 'src/app.ts');
    await nextRun(engine, 'web', web.id);
    await waitForLine(engine, api, /^restarting: "web" restarted \(src\/app\.ts changed\)$/);
    const nextApi = await nextRun(engine, 'api', api);
    assert.notEqual(nextApi.pid, engine.get(api)!.pid);
  });
});

describe('watch: the build gate', () => {
  const build = (code: number) => nodeSpec('build', 'exit.js', [String(code)], { kind: 'job' });

  test('a failing build keeps the old process and says stale; a good one restarts', async (t) => {
    const web = watched('web', { build: 'build' });
    const { engine, watchers } = setup(t, [web, build(1)]);
    const first = await started(engine, watchers, 'web');
    watchers.touch('web', 'src/app.ts');
    await waitForLine(engine, first.id, /^building: src\/app\.ts changed; running "build" first$/);
    await waitForLine(engine, first.id, /^stale: build failed \("build" failed: exited with code 1\); the previous process keeps serving\.$/);
    assert.deepEqual(engine.get(first.id)!.watch, { status: 'stale', message: 'stale: build failed', lastChange: engine.get(first.id)!.watch!.lastChange, unmatched: [] });
    assert.equal(engine.get(first.id)!.state, 'running');
    engine.setDefinitions([web, build(0)]);
    watchers.touch('web', 'src/app.ts');
    const next = await nextRun(engine, 'web', first.id);
    await waitFor(() => engine.get(next.id)?.watch?.status === 'watching', 'the watch to settle');
    assert.equal(engine.get(next.id)!.watch!.message, null);
  });

  test('a new process that does not become ready: the previous command starts again', async (t) => {
    const web = watched('web', { build: 'build' });
    const { engine, watchers } = setup(t, [web, build(0)]);
    const first = await started(engine, watchers, 'web');
    engine.setDefinitions([{ ...watched('web', { build: 'build' }, 'exit.js', ['3']) }, build(0)]);
    watchers.touch('web', 'src/app.ts');
    await waitFor(() => engine.get(first.id)?.watch?.status === 'kept-previous', 'kept-previous');
    const kept = running(engine, 'web');
    assert.equal(kept.length, 1);
    assert.match(kept[0].commandLine, /hang\.js/);
    assert.notEqual(kept[0].id, first.id);
    await waitForLine(engine, kept[0].id, /^kept the previous process: the new one did not become ready\.$/);
    assert.equal(kept[0].watch!.message, 'kept the previous process: the new one did not become ready');
  });

  test('overlap: the new process starts beside the old one; on failure the old one never stopped', async (t) => {
    const web = watched('web', { overlap: true });
    const { engine, watchers } = setup(t, [web]);
    const first = await started(engine, watchers, 'web');
    engine.setDefinitions([watched('web', { overlap: true }, 'exit.js', ['3'])]);
    watchers.touch('web', 'src/app.ts');
    await waitFor(() => engine.get(first.id)?.watch?.status === 'kept-previous', 'kept-previous');
    assert.equal(engine.get(first.id)!.state, 'running', 'the old process kept serving');
    assert.equal(engine.get(first.id)!.pid, first.pid);
    await waitForLine(engine, first.id, /^kept the previous process: the new one did not become ready\.$/);

    engine.setDefinitions([watched('web', { overlap: true }, 'hang.js', ['v2'])]);
    watchers.touch('web', 'src/app.ts');
    const next = await nextRun(engine, 'web', first.id);
    assert.equal(next.instance, 1, 'started beside the old one');
    await waitFor(() => engine.get(first.id)?.state === 'terminated', 'the old one stopped once the new one was ready');
    assert.match(engine.get(next.id)!.commandLine, /hang\.js v2/);
  });
});

describe('watch: a process that changes its own watched files', () => {
  test('is paused after a few restarts, with the file named and watch.exclude suggested', async (t) => {
    const { engine, watchers } = setup(t, [watched('web')]);
    let current = await started(engine, watchers, 'web');
    const ids = new Set([current.id]);
    for (let restarts = 0; ; restarts++) {
      assert.ok(restarts <= TIMINGS.loopRestarts, 'paused before restarting more than the limit');
      watchers.touch('web', 'data/state.json');
      await waitFor(() => running(engine, 'web').some((r) => !ids.has(r.id)) || engine.get(current.id)?.watch?.status === 'paused', 'a restart or a pause');
      if (engine.get(current.id)!.watch!.status === 'paused') break;
      current = running(engine, 'web').find((r) => !ids.has(r.id))!;
      ids.add(current.id);
      await waitFor(() => watchers.sinks.has('web') && engine.get(current.id)!.watch!.status === 'watching', 'watching again');
    }
    assert.equal(ids.size, 1 + TIMINGS.loopRestarts);
    const line = await waitForLine(engine, current.id, /^watch paused:/);
    assert.match(line, /changed data\/state\.json right after each of its last 3 restarts/);
    assert.match(line, /add "data\/state\.json" to "watch\.exclude"/);
    watchers.touch('web', 'data/state.json');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(running(engine, 'web').length, 1);
    assert.equal(running(engine, 'web')[0].id, current.id, 'no more restarts');
  });
});

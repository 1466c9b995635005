import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HelperLauncher } from '../../../src/platform/launcher';
import { makeEngine, nodeSpec, waitFor } from '../helpers';

for (const helper of [false, true]) {
  test(`a held run reads no more output until released; then every line arrives, in order (${helper ? 'helper launcher' : 'in process'})`, async (t) => {
    const launcher = helper ? new HelperLauncher() : undefined;
    // Added before the engine's hooks, so it runs after them: the engine stops its runs first.
    if (launcher) t.after(() => launcher.dispose());
    const engine = makeEngine(t, [nodeSpec('flood', 'flood-numbered.js', ['4'])], { launcher });
    const numbers: number[] = [];
    engine.onDidOutput((e) => {
      for (const line of e.lines) if (line.stream === 'stdout') numbers.push(Number(line.text.slice(5, 17)));
    });
    const id = await engine.spawn('flood');
    await waitFor(() => numbers.length > 0, 'the first lines');
    engine.outputControl(id).hold('test', true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const whileHeld = numbers.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nothing more is read: the process waits in its own writes.
    assert.equal(numbers.length, whileHeld);
    assert.ok(whileHeld < 4 * 10486, `read ${whileHeld} lines while held`);
    engine.outputControl(id).hold('test', false);
    await engine.whenDone(id);
    assert.equal(numbers.length, 4 * 10486);
    numbers.forEach((n, k) => assert.equal(n, k));
  });
}

test('restored lines join the run\'s output, marked so they are not counted or logged again', async (t) => {
  const engine = makeEngine(t, [nodeSpec('job', 'exit.js', ['0'])]);
  const events: { restored?: boolean; texts: string[] }[] = [];
  engine.onDidOutput((e) => events.push({ restored: e.restored, texts: e.lines.map((l) => l.text) }));
  const id = await engine.spawn('job');
  await engine.whenDone(id);
  engine.outputControl(id).restore([{ stream: 'stdout', text: 'from the file', at: 1 }]);
  assert.deepEqual(events.at(-1), { restored: true, texts: ['from the file'] });
  assert.ok(events.slice(0, -1).every((e) => e.restored === undefined));
  assert.equal(engine.output(id).at(-1)?.text, 'from the file');
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CommandIds } from '../../../src/ui/commandIds';
import { GROUP_CONTEXT, GROUPED_CONTEXT_KEY } from '../../../src/ui/contextValues';
import { repoRoot } from '../helpers';

interface MenuItem {
  command: string;
  when: string;
  group?: string;
}

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const items: MenuItem[] = pkg.contributes.menus['view/item/context'];
const commands: { command: string; enablement?: string }[] = pkg.contributes.commands;

/** Evaluates the `viewItem` part of a `when` clause the way the menus here write it. */
function matches(when: string, viewItem: string): boolean {
  return when.split('||').some((alt) => {
    const regex = /viewItem =~ \/(.+?)\/(?=\s|$)/.exec(alt);
    if (regex) return new RegExp(regex[1]).test(viewItem);
    const equal = /viewItem == (\S+)/.exec(alt);
    return equal ? equal[1] === viewItem : false;
  });
}

const ROWS = [
  'definition:idle:service',
  'definition:idle:job',
  'definition:idle:job:failed',
  'definition:idle:service:failed',
  'definition:running:service',
  'definition:running:job',
  'definition:running:job:failed',
  'definition:running:removed',
  'run:running',
  'run:running:ports',
  'run:queued',
  'run:backoff',
  'run:completed',
  'run:failed',
  'run:terminated',
];

test('every row keeps four inline actions in fixed slots: start or stop, restart or retry, terminal, output', () => {
  for (const row of ROWS) {
    const inline = items.filter((i) => i.group?.startsWith('inline') && matches(i.when, row));
    const slots = inline.map((i) => i.group).sort();
    assert.deepEqual(slots, ['inline@1', 'inline@2', 'inline@3', 'inline@4'], `${row}: ${inline.map((i) => i.command).join(', ')}`);
    assert.equal(inline.find((i) => i.group === 'inline@3')?.command, CommandIds.showTerminal, row);
    assert.equal(inline.find((i) => i.group === 'inline@4')?.command, CommandIds.showOutput, row);
  }
});

test('an idle definition shows Start where a running one shows Stop', () => {
  const first = (row: string) => items.find((i) => i.group === 'inline@1' && matches(i.when, row))?.command;
  assert.equal(first('definition:idle:service'), CommandIds.start);
  assert.equal(first('definition:running:service'), CommandIds.kill);
});

test('an action shown where it does not apply is disabled, and enabled in the palette', () => {
  const enabled = (command: string, row: string | undefined) => {
    const rule = commands.find((c) => c.command === command)?.enablement;
    if (!rule) return true;
    return row === undefined ? rule.startsWith('!viewItem ||') : matches(rule, row);
  };
  assert.equal(enabled(CommandIds.kill, 'run:completed'), false);
  assert.equal(enabled(CommandIds.kill, 'run:running'), true);
  assert.equal(enabled(CommandIds.restart, 'definition:idle:service'), false);
  assert.equal(enabled(CommandIds.restart, 'run:queued'), false);
  assert.equal(enabled(CommandIds.restart, 'definition:running:service'), true);
  assert.equal(enabled(CommandIds.restart, undefined), true);
  assert.equal(enabled(CommandIds.kill, undefined), true);
});

test('every command a menu names is contributed', () => {
  const known = new Set(commands.map((c) => c.command));
  for (const list of Object.values(pkg.contributes.menus) as MenuItem[][]) {
    for (const item of list) assert.ok(known.has(item.command), item.command);
  }
});

test('a group row has Start Group, Stop Group and Restart Group inline, and nothing meant for a definition or run', () => {
  const inline = items.filter((i) => i.group?.startsWith('inline') && matches(i.when, GROUP_CONTEXT));
  assert.deepEqual(inline.map((i) => [i.group, i.command]).sort(), [
    ['inline@1', CommandIds.startGroup],
    ['inline@2', CommandIds.stopGroup],
    ['inline@3', CommandIds.restartGroup],
  ]);
});

test('the view title shows one of Group by Group and Show as One List, by the context key', () => {
  const title: MenuItem[] = pkg.contributes.menus['view/title'];
  const whenOf = (command: string) => title.find((i) => i.command === command)?.when;
  assert.match(whenOf(CommandIds.groupByGroup) ?? '', new RegExp(`&& !${GROUPED_CONTEXT_KEY.replace('.', '\\.')}$`));
  assert.match(whenOf(CommandIds.ungroupTree) ?? '', new RegExp(`&& ${GROUPED_CONTEXT_KEY.replace('.', '\\.')}$`));
});

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allCommandIds } from '../../../src/ui/commandIds';
import { allContextValues } from '../../../src/ui/contextValues';
import { repoRoot } from '../helpers';

interface MenuItem {
  command: string;
  when?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, MenuItem[]> };
};
const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
const menuItems = Object.entries(manifest.contributes.menus).flatMap(([menu, items]) => items.map((item) => ({ menu, ...item })));

/** The `viewItem =~ /.../` patterns and `viewItem == ...` values of a `when` clause. */
function viewItemTests(when: string): { text: string; matches: (value: string) => boolean }[] {
  const patterns = [...when.matchAll(/viewItem\s*=~\s*\/((?:\\.|[^/\\])+)\/([a-z]*)/g)].map(([text, source, flags]) => {
    const re = new RegExp(source, flags);
    return { text, matches: (value: string) => re.test(value) };
  });
  const values = [...when.matchAll(/viewItem\s*==\s*([^\s&|)]+)/g)].map(([text, expected]) => ({ text, matches: (value: string) => value === expected }));
  return [...patterns, ...values];
}

test('package.json contributes exactly the commands of the ids module, which the surfaces register', () => {
  const ids = allCommandIds();
  assert.deepEqual(
    [...contributed].filter((id) => !ids.includes(id as never)),
    [],
    'contributed but missing from commandIds.ts',
  );
  assert.deepEqual(
    ids.filter((id) => !contributed.has(id)),
    [],
    'in commandIds.ts but not contributed',
  );
});

test('every menu item names a contributed command', () => {
  const unknown = menuItems.filter((item) => !contributed.has(item.command)).map((item) => `${item.menu}: ${item.command}`);
  assert.deepEqual(unknown, []);
});

test('every viewItem test in a menu when-clause matches a contextValue the tree gives a row', () => {
  const values = allContextValues();
  const tests = menuItems.flatMap((item) => viewItemTests(item.when ?? '').map((t) => ({ item, ...t })));
  assert.ok(tests.length > 0, 'no viewItem tests found: the when-clause parsing is broken');
  const dead = tests.filter((t) => !values.some(t.matches)).map((t) => `${t.item.menu}: ${t.item.command}: ${t.text}`);
  assert.deepEqual(dead, [], `contextValues: ${values.join(', ')}`);
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefinitions } from '../../../src/config/definitions';
import { locateSetting } from '../../../src/config/locate';
import { applyProfile, profileMembers, readProfiles } from '../../../src/config/profiles';
import type { DefinitionContext } from '../../../src/config/types';

const ctx: DefinitionContext = { workspaceFolder: '/ws', env: { HOME_API: 'https://api.example' }, homeDir: '/home/ada' };
const { specs } = parseDefinitions([
  { name: 'web', command: 'x', group: 'front', env: { PORT: '3000', MODE: 'own' }, dependsOn: ['api'] },
  { name: 'api', command: 'x', dependsOn: ['db'] },
  { name: 'db', command: 'x' },
  { name: 'docs', command: 'x', group: 'front' },
  { name: 'lint', command: 'x', env: { MODE: 'lint' } },
], ctx);

const read = (raw: unknown, active?: unknown) => readProfiles(raw, active, specs, ctx);

describe('profiles', () => {
  test('start (definitions and groups) and env, variables expanded; the active one found', () => {
    const { profiles, active, problems } = read({ dev: { start: ['front', 'db'], env: { API: '${env:HOME_API}', ROOT: '${workspaceFolder}/x' } }, ci: {} }, 'dev');
    assert.deepEqual(problems, []);
    assert.deepEqual(profiles.map((p) => p.name), ['dev', 'ci']);
    assert.deepEqual(active?.env, { API: 'https://api.example', ROOT: '/ws/x' });
    assert.deepEqual(profileMembers(active!, specs), ['web', 'docs', 'db']);
  });

  test('a name in start that names nothing is a warning at its place; the rest of the profile applies', () => {
    const { active, problems } = read({ dev: { start: ['wbe', 'docs', 7] } }, 'dev');
    assert.deepEqual(active?.start, ['docs']);
    assert.deepEqual(problems.map((p) => [p.setting, p.field, p.index]), [['devProcesses.profiles', 'dev.start[0]', -1], ['devProcesses.profiles', 'dev.start[2]', -1]]);
    assert.match(problems[0].message, /^Profile "dev": "start\[0\]" names "wbe", which is neither a definition nor a group \(did you mean "web"\?\); it is left out\.$/);
    assert.deepEqual(problems[0].fix, { kind: 'replace', text: '"web"' });
    assert.match(problems[1].message, /item 2 is a number/);
  });

  const bad: [string, unknown, string | undefined, RegExp][] = [
    ['a profile that is not an object', { dev: ['web'] }, 'dev', /Profile "dev": a profile must be an object/],
    ['an unknown field', { dev: { strat: [] } }, 'dev.strat', /unknown field "strat" \(did you mean "start"\?\)/],
    ['start not an array', { dev: { start: 'web' } }, 'dev.start', /"start" must be an array of definition or group names; got a string/],
    ['an env value that is a number', { dev: { env: { PORT: 3000 } } }, 'dev.env.PORT', /Profile "dev": "env.PORT" must be a string; got a number/],
    ['the setting not an object', ['dev'], undefined, /"devProcesses.profiles" must be an object of profiles/],
  ];
  for (const [what, raw, field, message] of bad) {
    test(`${what}: one problem, located`, () => {
      const { problems } = read(raw);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0].field, field);
      assert.match(problems[0].message, message);
    });
  }

  test('an active profile that does not exist is a problem, and no profile is active', () => {
    const { active, problems } = read({ dev: {} }, 'deb');
    assert.equal(active, undefined);
    assert.equal(problems[0].setting, 'devProcesses.activeProfile');
    assert.match(problems[0].message, /"devProcesses.activeProfile" is "deb", but no profile has that name \(did you mean "dev"\?\) \(profiles: "dev"\); no profile is active\./);
    assert.equal(read({ dev: {} }, '').active, undefined);
    assert.deepEqual(read({ dev: {} }, '').problems, []);
  });

  test('the env overlays the members and what they depend on, over their own env; the others keep theirs', () => {
    const { active } = read({ dev: { start: ['web'], env: { MODE: 'profile' } } }, 'dev');
    const env = Object.fromEntries(applyProfile(specs, active).map((s) => [s.name, s.env]));
    assert.deepEqual(env, { web: { PORT: '3000', MODE: 'profile' }, api: { MODE: 'profile' }, db: { MODE: 'profile' }, docs: {}, lint: { MODE: 'lint' } });
    assert.deepEqual(applyProfile(specs, undefined), specs);
  });

  test('a profile problem is located in settings.json', () => {
    const text = '{ "devProcesses.profiles": { "dev": { "start": ["web", "wbe"], "env": { "PORT": 3000 } } }, "devProcesses.activeProfile": "deb" }';
    const at = (setting: string, field?: string) => {
      const range = locateSetting(text, setting, field);
      return range && text.slice(range.start, range.end);
    };
    assert.equal(at('devProcesses.profiles', 'dev.start[1]'), '"wbe"');
    assert.equal(at('devProcesses.profiles', 'dev.env.PORT'), '3000');
    assert.equal(at('devProcesses.activeProfile'), '"deb"');
    assert.equal(at('devProcesses.nothing'), undefined);
  });
});

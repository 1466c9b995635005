import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DependencyCondition, Limits, Priority, ProbeType, RecoveryStrategy, RestartMode } from '../../../src/core/types';
import { DEPENDENCY_CONDITIONS } from '../../../src/config/dependsOnFields';
import { PROBE_TYPES } from '../../../src/config/healthCheckFields';
import { ON_EXCEED } from '../../../src/config/limitsFields';
import { RECOVERY_STRATEGIES, RESTART_MODES } from '../../../src/config/recoveryFields';
import { PRIORITIES } from '../../../src/config/schedulingFields';
import { ENTRY_SCHEMA } from '../../../src/config/schema';
import { MAX_INSTANCES } from '../../../src/core/defaults';

/** Every member of a union, once: the compiler refuses this object when the union gains or loses one. */
function members<T extends string>(all: Record<T, true>): T[] {
  return Object.keys(all) as T[];
}

test("the choices the validator reads from package.json are exactly the engine's", () => {
  const cases: [string, readonly string[], string[]][] = [
    ['priority', PRIORITIES, members<Priority>({ low: true, normal: true, high: true, critical: true })],
    ['dependsOn condition', DEPENDENCY_CONDITIONS, members<DependencyCondition>({ started: true, completed: true, healthy: true })],
    ['restart.policy', RESTART_MODES, members<RestartMode>({ never: true, 'on-failure': true, always: true })],
    ['recovery strategy', RECOVERY_STRATEGIES, members<RecoveryStrategy>({ restart: true, replace: true, scaleUp: true, scaleDown: true, notify: true, none: true })],
    ['healthCheck type', PROBE_TYPES, members<ProbeType>({ http: true, tcp: true, exec: true, log: true, problems: true })],
    ['limits.onExceed', ON_EXCEED, members<NonNullable<Limits['onExceed']>>({ alert: true, restart: true })],
  ];
  for (const [what, fromSchema, ofEngine] of cases) assert.deepEqual([...fromSchema].sort(), ofEngine.sort(), what);
});

test("the schema's instance bound is the engine's own limit", () => {
  for (const key of ['min', 'max', 'initial'] as const) assert.equal(ENTRY_SCHEMA.instances.properties[key].maximum, MAX_INSTANCES, key);
});

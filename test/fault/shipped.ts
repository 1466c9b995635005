// An engine as the extension ships it: processes start through the real launcher helper
// (dist/launcherHost.js, built by `node esbuild.js`), with the fault engines' tag and short grace.
import type { EngineOptions, ProcessEngine } from '../../src/engine/engine';
import { HelperLauncher, findHelperScript } from '../../src/platform/launcher';
import type { ProcessSpec } from '../../src/core/types';
import { faultEngine } from './faultHelpers';

type TestContext = { after(fn: () => unknown): void; diagnostic(message: string): void };

export function shippedEngine(t: TestContext, specs: ProcessSpec[], options: EngineOptions = {}): ProcessEngine {
  const launcher = new HelperLauncher({ helperScript: findHelperScript() });
  const engine = faultEngine(t, specs, { launcher, ...options });
  // After-hooks run in order: the engine stops its processes first, then the helper goes.
  t.after(() => launcher.dispose());
  return engine;
}

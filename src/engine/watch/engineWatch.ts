import type { EngineOptions } from '../engineTypes';
import { DEFAULT_WATCH_TIMINGS, WatchController } from './watchController';
import type { WatchHost } from './watchTypes';

export type { WatchController } from './watchController';

/** What the controller uses of the engine's public face. */
type PublicPart = Pick<WatchHost, 'onDidChange' | 'definition' | 'definitions' | 'list' | 'get' | 'spawn' | 'restart' | 'kill' | 'whenDone'>;
/** What only the engine itself can do. */
type PrivatePart = Pick<WatchHost, 'now' | 'specOf' | 'startInstance' | 'system' | 'changed'>;

/** The engine's watch controller (see WatchController), over its public methods and a few of its own. */
export function watchController(engine: PublicPart, own: PrivatePart, options: Pick<EngineOptions, 'fileWatcher' | 'watchTimings'>): WatchController {
  const host: WatchHost = {
    ...own,
    onDidChange: (listener) => engine.onDidChange(listener),
    definition: (name) => engine.definition(name),
    definitions: () => engine.definitions(),
    list: () => engine.list(),
    get: (id) => engine.get(id),
    spawn: (name) => engine.spawn(name),
    restart: (id) => engine.restart(id),
    kill: (id) => engine.kill(id),
    whenDone: (id) => engine.whenDone(id),
  };
  return new WatchController(host, options.fileWatcher, { ...DEFAULT_WATCH_TIMINGS, ...options.watchTimings });
}

/** The VS Code shape of a resource that must be released. */
export interface Disposable {
  dispose(): void;
}

/** A subscription function with the VS Code `Event<T>` shape. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** A typed event source; a throwing listener never stops the others. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose() {} };
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Someone listens: lets a source skip building an event nobody would get. */
  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(e: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (err) {
        console.error('Dev Processes: an event listener failed', err);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Owns disposables and releases them together, newest first. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];

  add<T extends Disposable>(item: T): T {
    this.items.push(item);
    return item;
  }

  /** Releases what it holds and stays usable, for a group of subscriptions that comes and goes. */
  clear(): void {
    for (const item of this.items.splice(0).reverse()) item.dispose();
  }

  dispose(): void {
    this.clear();
  }
}

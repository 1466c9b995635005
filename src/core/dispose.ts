import { DisposableStore, type Disposable as IDisposable } from './events';

/**
 * The base of a class that owns subscriptions and resources: each is handed to `_register` when
 * it is made, and `dispose()` releases them all, newest first, once. A subclass that has more to
 * release overrides `dispose()` and calls `super.dispose()`.
 */
export abstract class Disposable implements IDisposable {
  private readonly store = new DisposableStore();
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `item`; registered after `dispose()`, it is released at once. */
  protected _register<T extends IDisposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      return item;
    }
    return this.store.add(item);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
  }
}

/** One FIFO lane per key: a call starts only after the previous call in its lane has settled. */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, number>();

  /** Calls in the lane that have not started yet. */
  queued(key: string): number {
    return this.waiting.get(key) ?? 0;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    this.waiting.set(key, this.queued(key) + 1);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => {
      this.waiting.set(key, this.queued(key) - 1);
      return task();
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

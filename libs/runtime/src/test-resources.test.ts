import { TestResources } from './test-resources';
import { sleep } from './wait';

/** A start that completes when `finish` is called. */
function pendingStart<T>(): { starting: Promise<T>; finish(value: T): void } {
  let finish!: (value: T) => void;
  const starting = new Promise<T>((resolve) => (finish = resolve));
  return { starting, finish };
}

describe('TestResources', () => {
  it('closes what started, last started first, once', async () => {
    const resources = new TestResources(1_000);
    const closed: string[] = [];
    await resources.add(Promise.resolve('first'), (name) => closed.push(name));
    await resources.add(Promise.resolve('second'), (name) => closed.push(name));
    await resources.closeAll();
    await resources.closeAll();
    expect(closed).toEqual(['second', 'first']);
  });

  it('waits for a start still pending and closes it when it completes', async () => {
    const resources = new TestResources(5_000);
    const { starting, finish } = pendingStart<string>();
    const closed: string[] = [];
    void resources.add(starting, (name) => closed.push(name));
    const closing = resources.closeAll();
    setTimeout(() => finish('late'), 50);
    await closing;
    expect(closed).toEqual(['late']);
  });

  it('reports a start still pending after its wait, and still closes it once it completes', async () => {
    const resources = new TestResources(50);
    const { starting, finish } = pendingStart<string>();
    const closed: string[] = [];
    void resources.add(starting, (name) => closed.push(name));
    await expect(resources.closeAll()).rejects.toThrow(
      /timed out after 50 ms waiting for a start \(or its close\) still pending/,
    );
    finish('later');
    await starting;
    await sleep(0);
    expect(closed).toEqual(['later']);
  });

  it('has nothing to close for a start that failed, and closes the others when one close fails', async () => {
    const resources = new TestResources(1_000);
    const closed: string[] = [];
    await resources.add(Promise.resolve('kept'), (name) => closed.push(name));
    await expect(resources.add(Promise.reject(new Error('start failed')), () => closed.push('never'))).rejects.toThrow(
      'start failed',
    );
    void resources.add(Promise.resolve('broken'), () => Promise.reject(new Error('close failed')));
    await expect(resources.closeAll()).rejects.toThrow('close failed');
    expect(closed).toEqual(['kept']);
  });
});

import { ChangePacer } from './change-pacer';

describe('ChangePacer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends up to the limit at once, the rest when the window allows, in order', () => {
    const pacer = new ChangePacer(60_000);
    pacer.reset(2);
    const sent: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) pacer.run(() => (sent.push(n), true));
    expect(sent).toEqual([1, 2]);
    jest.advanceTimersByTime(59_000);
    expect(sent).toEqual([1, 2]);
    jest.advanceTimersByTime(1_100);
    expect(sent).toEqual([1, 2, 3, 4]);
    jest.advanceTimersByTime(60_100);
    expect(sent).toEqual([1, 2, 3, 4, 5]);
  });

  it('does not count a send that sent nothing, and drops the queue on stop', () => {
    const pacer = new ChangePacer(60_000);
    pacer.reset(1);
    const sent: string[] = [];
    pacer.run(() => false);
    pacer.run(() => (sent.push('a'), true));
    pacer.run(() => (sent.push('b'), true));
    expect(sent).toEqual(['a']);
    pacer.stop();
    jest.advanceTimersByTime(120_000);
    expect(sent).toEqual(['a']);
  });
});

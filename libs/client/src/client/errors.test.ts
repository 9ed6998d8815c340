import { ERRORS, ERROR_CODES } from '@defi-realtime/protocol';
import { CLOSE_CODE_ERRORS, RealtimeError, judgeClose } from './errors';

describe('close codes', () => {
  it('map to the same codes as the protocol registry (copied to keep schemas out of the browser bundle)', () => {
    const registry = Object.fromEntries(
      ERROR_CODES.flatMap((code) => (ERRORS[code].closeCode === undefined ? [] : [[ERRORS[code].closeCode, code]])),
    );
    expect(CLOSE_CODE_ERRORS).toEqual(registry);
  });

  it.each([
    [4001, 'UNAUTHORIZED', false],
    [4003, 'FORBIDDEN', false],
    [1009, 'MESSAGE_TOO_LARGE', false],
    [4002, 'AUTH_TIMEOUT', true],
    [4008, 'SLOW_CONSUMER', true],
    [4009, 'LIMIT_EXCEEDED', true],
    [4029, 'RATE_LIMITED', true],
    [1001, 'GOING_AWAY', true],
    [1011, 'INTERNAL', true],
    [1013, 'UNAVAILABLE', true],
    [1006, 'CONNECTION_LOST', true],
    [1000, 'CONNECTION_LOST', true],
  ])('close %i is %s, temporary: %s', (code, name, temporary) => {
    const { error } = judgeClose({ code, reason: '' });
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: name, temporary });
  });

  it('resumes only after a deliberate close by the server, never after a silent drop', () => {
    expect(judgeClose({ code: 1001, reason: 'GOING_AWAY' }).resumable).toBe(true);
    expect(judgeClose({ code: 4029, reason: 'RATE_LIMITED' }).resumable).toBe(true);
    expect(judgeClose({ code: 4008, reason: 'SLOW_CONSUMER' }).resumable).toBe(true); // the gateway rewinds to the last frame it wrote
    expect(judgeClose({ code: 1006, reason: '' }).resumable).toBe(false);
    expect(judgeClose({ code: 1005, reason: '' }).resumable).toBe(false);
    expect(
      judgeClose({
        code: 1006,
        reason: '',
        local: new RealtimeError('HEARTBEAT_TIMEOUT', 'silent', { temporary: true }),
      }).resumable,
    ).toBe(false);
  });

  it('keeps the backoff growing after "slow down" closes, and waits at least 5 s after 4029', () => {
    expect(judgeClose({ code: 1001, reason: '' }).penalty).toBe(false);
    expect(judgeClose({ code: 1006, reason: '' }).penalty).toBe(false);
    expect(judgeClose({ code: 4008, reason: '' }).penalty).toBe(true);
    expect(judgeClose({ code: 4029, reason: '' })).toMatchObject({ penalty: true, minDelayMs: 5_000 });
  });

  it('uses the text of the error message that preceded the close', () => {
    const { error } = judgeClose({
      code: 4001,
      reason: 'UNAUTHORIZED',
      serverError: { code: 'UNAUTHORIZED', message: 'API key unknown or revoked' },
    });
    expect(error).toMatchObject({
      code: 'UNAUTHORIZED',
      closeCode: 4001,
      message: 'API key unknown or revoked',
      temporary: false,
    });
  });

  it('reads a refused handshake (Node sees the HTTP status and body)', () => {
    expect(
      judgeClose({ code: 1006, reason: '', http: { status: 401, code: 'UNAUTHORIZED', message: 'bad key' } }).error,
    ).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, temporary: false });
    expect(judgeClose({ code: 1006, reason: '', http: { status: 404 } }).error).toMatchObject({
      code: 'NOT_FOUND',
      temporary: false,
    });
    expect(judgeClose({ code: 1006, reason: '', http: { status: 403, code: 'LIMIT_EXCEEDED' } }).error.temporary).toBe(
      true,
    );
    expect(judgeClose({ code: 1006, reason: '', http: { status: 503, retryAfterMs: 1_000 } })).toMatchObject({
      error: { code: 'UNAVAILABLE', temporary: true },
      minDelayMs: 1_000,
    });
  });

  it('passes a newer server code through, as temporary', () => {
    expect(judgeClose({ code: 4777, reason: 'BRAND_NEW' }).error).toMatchObject({
      code: 'BRAND_NEW',
      temporary: true,
      closeCode: 4777,
    });
  });
});

import { ERRORS, ERROR_CODES, type ErrorCode, ProtocolError, closeCodeFor, httpStatusFor, isErrorCode } from './index';

// Close codes a server may send in a close frame (RFC 6455 section 7.4.1 and the IANA
// registry): 1005, 1006 and 1015 are reserved for reporting, never sent.
const SENDABLE_STANDARD_CLOSE_CODES = new Set([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1012, 1013, 1014]);

describe('error registry', () => {
  it('keys every entry by its own code, each once', () => {
    for (const [key, definition] of Object.entries(ERRORS)) expect(definition.code).toBe(key);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(new Set(Object.values(ERRORS).map((definition) => definition.code)).size).toBe(ERROR_CODES.length);
  });

  it('has the codes DESIGN section 3 and a real server need', () => {
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining([
        'UNAUTHORIZED',
        'AUTH_TIMEOUT',
        'FORBIDDEN',
        'BAD_REQUEST',
        'UNKNOWN_CHANNEL',
        'LIMIT_EXCEEDED',
        'RATE_LIMITED',
        'SLOW_CONSUMER',
        'MESSAGE_TOO_LARGE',
        'GOING_AWAY',
        'NOT_FOUND',
        'RESUME_FAILED',
        'INTERNAL',
        'UNAVAILABLE',
      ]),
    );
  });

  it('uses the close codes DESIGN section 3 fixes', () => {
    expect(closeCodeFor('UNAUTHORIZED')).toBe(4001);
    expect(closeCodeFor('FORBIDDEN')).toBe(4003);
    expect(closeCodeFor('RATE_LIMITED')).toBe(4029);
    expect(closeCodeFor('SLOW_CONSUMER')).toBe(4008);
    expect(closeCodeFor('MESSAGE_TOO_LARGE')).toBe(1009);
    expect(closeCodeFor('GOING_AWAY')).toBe(1001);
    expect(closeCodeFor('BAD_REQUEST')).toBeUndefined();
    expect(closeCodeFor('UNKNOWN_CHANNEL')).toBeUndefined();
  });

  it.each(ERROR_CODES.filter((code) => closeCodeFor(code) !== undefined))(
    '%s has a close code a server may send',
    (code) => {
      const closeCode = closeCodeFor(code) ?? 0;
      expect(closeCode >= 4000 ? closeCode <= 4999 : SENDABLE_STANDARD_CLOSE_CODES.has(closeCode)).toBe(true);
    },
  );

  it('gives each application close code one meaning', () => {
    const closeCodes = ERROR_CODES.map(closeCodeFor).filter((code) => code !== undefined);
    expect(new Set(closeCodes).size).toBe(closeCodes.length);
  });

  it.each(ERROR_CODES)('%s has a message and, if any, a real HTTP error status', (code) => {
    const definition = ERRORS[code];
    expect(definition.message.length).toBeGreaterThan(0);
    if (definition.httpStatus !== undefined)
      expect(definition.httpStatus >= 400 && definition.httpStatus <= 599).toBe(true);
  });

  it('is frozen, entries included', () => {
    expect(Object.isFrozen(ERRORS)).toBe(true);
    for (const definition of Object.values(ERRORS)) expect(Object.isFrozen(definition)).toBe(true);
    expect(() => {
      (ERRORS as unknown as Record<string, unknown>)['BAD_REQUEST'] = {};
    }).toThrow(TypeError);
  });

  it('tells registry codes from other strings', () => {
    expect(isErrorCode('RATE_LIMITED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });

  it('answers HTTP with the registry status, 500 for codes that never answer HTTP', () => {
    expect(httpStatusFor('RATE_LIMITED')).toBe(429);
    expect(httpStatusFor('SLOW_CONSUMER')).toBe(500);
  });
});

describe('ProtocolError', () => {
  it('carries name, code, field and cause', () => {
    const cause = new Error('jwt expired');
    const error = new ProtocolError('UNAUTHORIZED', 'token expired', { field: 'token', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('token expired');
    expect(error.field).toBe('token');
    expect(error.cause).toBe(cause);
    expect(error.closeCode).toBe(4001);
    expect(error.httpStatus).toBe(401);
    expect(error.stack).toContain('ProtocolError');
  });

  it('defaults the message from the registry', () => {
    const code: ErrorCode = 'SLOW_CONSUMER';
    expect(new ProtocolError(code).message).toBe(ERRORS.SLOW_CONSUMER.message);
  });

  it('becomes an error message, echoing the id and never the cause', () => {
    const error = new ProtocolError('RATE_LIMITED', undefined, { cause: new Error('secret detail') });
    expect(error.toWire(7)).toEqual({
      type: 'error',
      id: 7,
      code: 'RATE_LIMITED',
      message: ERRORS.RATE_LIMITED.message,
    });
    expect(error.toWire()).toEqual({ type: 'error', code: 'RATE_LIMITED', message: ERRORS.RATE_LIMITED.message });
    expect(JSON.stringify(error.toWire())).not.toContain('secret');
    expect(error.toHttpBody()).toEqual({ code: 'RATE_LIMITED', message: ERRORS.RATE_LIMITED.message });
  });
});

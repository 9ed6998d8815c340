import { signWebhook, webhookSecretKey } from './signature';

describe('Standard Webhooks signatures', () => {
  it("reproduces the specification's published test vector", () => {
    const key = webhookSecretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(signWebhook(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it.each([
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', "must start with 'whsec_'"],
    ['whsec_not base64!', 'followed by base64'],
    ['whsec_c2hvcnQ=', 'at least 16 bytes'],
  ])('refuses the secret %s', (secret, problem) => {
    expect(() => webhookSecretKey(secret)).toThrow(problem);
  });
});

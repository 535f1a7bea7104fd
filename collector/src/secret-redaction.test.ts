import { describe, expect, it } from 'vitest';
import { redactingDestination, redactSecrets, SecretRegistry } from './secret-redaction.js';

describe('redactSecrets', () => {
  it.each([
    ['a GitHub classic token', 'HTTP 401: Bad credentials: token ghp_AbCdEf0123456789AbCdEf0123456789AbCd', 'HTTP 401: Bad credentials: token ***'],
    ['a fine-grained token', 'got github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'got ***'],
    ['a server-to-server token', 'ghs_0123456789abcdefghij0123', '***'],
    ['an Authorization header', 'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig', 'Authorization: ***'],
    ['an authorization field in JSON', '{"authorization":"token abc123def456"}', '{"authorization":"***"}'],
    ['a bare Bearer value', 'sent Bearer abc.def.ghi123 to the server', 'sent Bearer *** to the server'],
    ['a URL password', 'cannot reach redis://:s3cret-pw@10.0.0.1:6379/2', 'cannot reach redis://:***@10.0.0.1:6379/2'],
    ['a URL user and password', 'https://x-access-token:abc@github.com/acme/gitops', 'https://x-access-token:***@github.com/acme/gitops'],
  ])('redacts %s', (_name, text, expected) => {
    expect(redactSecrets(text, new SecretRegistry())).toBe(expected);
  });

  it.each([
    'needs a token in GITHUB_TOKEN (contents and pull-requests write)',
    'check that the token contents allow pull requests',
    'connect to http://127.0.0.1:8080/path@x',
    'palisade-web: 3 ingress rule(s)',
  ])('leaves prose alone: %s', (text) => {
    expect(redactSecrets(text, new SecretRegistry())).toBe(text);
  });

  it('redacts a registered value of any shape, and its URL-encoded form, wherever it appears', () => {
    const secrets = new SecretRegistry();
    secrets.register('plain value/with+chars');
    secrets.register('ab'); // too short to redact without garbling every line
    const text = 'body: plain value/with+chars; url: redis://u@h?p=plain%20value%2Fwith%2Bchars; ab';
    expect(redactSecrets(text, secrets)).toBe('body: ***; url: redis://u@h?p=***; ab');
    expect(redactSecrets(redactSecrets(text, secrets), secrets)).toBe(redactSecrets(text, secrets));
  });

  it('redacts every line written through a redacting destination', () => {
    const written: string[] = [];
    redactingDestination({ write: (text) => written.push(text) }).write('{"msg":"Authorization: token ghp_0123456789abcdefghij"}\n');
    expect(written).toEqual(['{"msg":"Authorization: ***"}\n']);
  });
});

import { describe, expect, it } from 'vitest';
import { isRetriable, KafkaSinkError, PalisadeError } from './errors.js';
import { withRetries } from './retry.js';

const kafkaError = (name: string, retriable: boolean, cause?: unknown) => Object.assign(new Error(name), { name, retriable, ...(cause === undefined ? {} : { cause }) });
const errno = (code: string) => Object.assign(new Error(code), { code });

describe('isRetriable', () => {
  it.each<[string, unknown, boolean]>([
    ['a retriable KafkaJS error', kafkaError('KafkaJSProtocolError', true), true],
    ['a non-retriable KafkaJS error', kafkaError('KafkaJSProtocolError', false), false],
    ['retries exceeded, whatever the cause', kafkaError('KafkaJSNumberOfRetriesExceeded', false), true],
    ['a KafkaJS connection error', kafkaError('KafkaJSConnectionError', false), true],
    ['a KafkaJS request timeout', kafkaError('KafkaJSRequestTimeoutError', false), true],
    ['a non-retriable wrapper of a retriable cause', kafkaError('KafkaJSError', false, kafkaError('KafkaJSProtocolError', true)), true],
    ['a non-retriable wrapper of a fatal cause', kafkaError('KafkaJSError', false, kafkaError('KafkaJSProtocolError', false)), false],
    ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].map((code): [string, unknown, boolean] => [`errno ${code}`, errno(code), true]),
    ['errno ENOENT', errno('ENOENT'), false],
    ['ioredis: connection closed', new Error('Connection is closed.'), true],
    ['ioredis: a pipeline cut off by the connection closing', Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' }), true],
    ['an AbortController abort', Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), false],
    ['ioredis: reconnect limit', new Error('Reached the max retries per request limit (which is 20).'), true],
    ['Redis LOADING', new Error('LOADING Redis is loading the dataset in memory'), true],
    ['Redis BUSY', new Error('BUSY Redis is busy running a script.'), true],
    ['Redis TRYAGAIN', new Error('TRYAGAIN Multiple keys request during rehashing of slot'), true],
    ['Redis CLUSTERDOWN', new Error('CLUSTERDOWN The cluster is down'), true],
    ['a Redis script error', new Error('ERR Error running script'), false],
    ['a retriable PalisadeError', new PalisadeError('x', { retriable: true }), true],
    ['a PalisadeError decides for itself', new KafkaSinkError('x', undefined, { retriable: false, cause: errno('ECONNRESET') }), false],
    ['a string', 'ECONNRESET', false],
    ['undefined', undefined, false],
  ])('%s → %s', (_, error, expected) => {
    expect(isRetriable(error)).toBe(expected);
  });
});

describe('withRetries', () => {
  const transient = () => errno('ECONNRESET');

  it('retries retriable failures with capped doubling delays and passes the attempt number', async () => {
    const delays: number[] = [];
    const retries: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async (attempt) => {
        calls++;
        if (attempt < 5) throw transient();
        return attempt;
      },
      { policy: { initialDelayMs: 10, maxDelayMs: 30, maxAttempts: Infinity }, sleep: async (ms) => void delays.push(ms), onRetry: (_, attempt) => retries.push(attempt) },
    );
    expect([result, calls]).toEqual([5, 5]);
    expect(delays).toEqual([10, 20, 30, 30]);
    expect(retries).toEqual([1, 2, 3, 4]);
  });

  it('throws a non-retriable error at once', async () => {
    const fatal = new Error('ERR wrong number of arguments');
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw fatal; }, { sleep: async () => undefined })).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('throws the last failure after maxAttempts, or when shouldContinue says stop', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw transient();
    };
    await expect(withRetries(failing, { policy: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 }, sleep: async () => undefined })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(failing, { sleep: async () => undefined, shouldContinue: () => calls < 2 })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(calls).toBe(2);
  });
});

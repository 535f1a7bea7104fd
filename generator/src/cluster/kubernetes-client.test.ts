import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { freePort, silentServer } from '../../../test/helpers/local-servers.js';
import { ClusterError } from '../errors.js';
import { kubernetesClusterApi } from './kubernetes-client.js';

/**
 * Every Kubernetes request has a deadline (issue 11, item 16): against a server that accepts the
 * connection and never answers, a call ends with one line naming the call, instead of waiting
 * forever. The server is a plain TCP listener on 127.0.0.1 that reads and never writes.
 */


function kubeConfigFor(server: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'silent', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'c', cluster: 'silent', user: 'u' }],
    currentContext: 'c',
  });
  return kubeConfig;
}

describe('Kubernetes requests against a server that never answers', () => {
  it.each(['http', 'https'])('%s: list, apply and delete each end with one line naming the call', async (scheme) => {
    const server = `${scheme}://127.0.0.1:${await silentServer()}`;
    const api = kubernetesClusterApi(kubeConfigFor(server), { requestTimeoutMs: 200 });
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'palisade-web', namespace: 'shop' }, spec: { podSelector: {} } };
    const calls: [string, () => Promise<unknown>][] = [
      ['list Namespaces', () => api.list('Namespace', undefined, undefined)],
      ['list Pods in namespace shop', () => api.list('Pod', 'shop', undefined)],
      ['apply NetworkPolicy shop/palisade-web', () => api.apply(policy, { dryRun: false })],
      ['delete NetworkPolicy shop/palisade-web', () => api.delete({ namespace: 'shop', name: 'palisade-web' }, { dryRun: false })],
    ];
    for (const [what, call] of calls) {
      const error = await call().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as Error).message).toBe(`${what}: the Kubernetes API server at ${server} did not answer within 0.2s (a slower server: --request-timeout)`);
    }
  });

  it('a closed port: "connection refused", not the client\'s text', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const api = kubernetesClusterApi(kubeConfigFor(`https://${address}`), { requestTimeoutMs: 5_000 });
    await expect(api.list('Namespace', undefined, undefined)).rejects.toThrow(`list Namespaces: cannot reach the Kubernetes API server at https://${address}: connection refused`);
  });
});

import { describe, expect, it } from 'vitest';
import { inferWorkload } from './workload-inference.js';

describe('inferWorkload', () => {
  it.each([
    ['productpage-v1-6b746f74dc-9rcxx', {}, { kind: 'Deployment', name: 'productpage-v1' }],
    ['coredns-558bd4d5db-9grjv', {}, { kind: 'Deployment', name: 'coredns' }],
    ['ratings-v1-b6994bb9-jgqxb', {}, { kind: 'Deployment', name: 'ratings-v1' }],
    ['web-0', {}, { kind: 'StatefulSet', name: 'web' }],
    ['kafka-broker-12', {}, { kind: 'StatefulSet', name: 'kafka-broker' }],
    ['node-local-dns-88zrp', {}, { kind: 'DaemonSet', name: 'node-local-dns' }],
    ['migrate-x7k2p', { 'job-name': 'migrate' }, { kind: 'Job', name: 'migrate' }],
    ['report-28977240-x7k2p', { 'batch.kubernetes.io/job-name': 'report-28977240' }, { kind: 'CronJob', name: 'report' }],
    ['backup-29000000-x7k2p', { 'controller-uid': '5f0c' }, { kind: 'CronJob', name: 'backup' }],
    // A hash with a vowel or a 1 cannot come from the controllers' alphabet: not a Deployment pod.
    ['app-abcdef1-x7k2p', {}, { kind: 'DaemonSet', name: 'app-abcdef1' }],
    ['app-abcdef1-aeiou', {}, { kind: 'Pod', name: 'app-abcdef1-aeiou' }],
    ['kube-apiserver-kind-control-plane', {}, { kind: 'Pod', name: 'kube-apiserver-kind-control-plane' }],
    ['standalone', {}, { kind: 'Pod', name: 'standalone' }],
  ] as const)('%s %j → %j', (pod, labels, expected) => {
    expect(inferWorkload(pod, labels)).toEqual(expected);
  });
});

import type { V1LabelSelector, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import type { LabelSelector } from '@palisade/collector';
import type { WorkloadPeer } from '@palisade/baseliner';
import { compareStrings, peerId } from '@palisade/baseliner';
import type { SynthesisContext } from './synthesis-context.js';

/** `podSelector`, with `namespaceSelector` in the same element when in another namespace (rule 7). */
export function workloadPeer(peer: WorkloadPeer, policyNamespace: string, context: SynthesisContext): V1NetworkPolicyPeer | undefined {
  const selection = context.selection(peerId(peer));
  if (!selection.ok) return undefined;
  return selectorPeer(peer.namespace, selection.selector, policyNamespace);
}

export function selectorPeer(namespace: string, selector: LabelSelector, policyNamespace: string): V1NetworkPolicyPeer {
  const podSelector = toV1Selector(selector);
  if (namespace === policyNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector };
}

export function toV1Selector(selector: LabelSelector): V1LabelSelector {
  return {
    ...(selector.matchLabels && Object.keys(selector.matchLabels).length > 0 ? { matchLabels: { ...selector.matchLabels } } : {}),
    ...(selector.matchExpressions && selector.matchExpressions.length > 0
      ? {
          matchExpressions: selector.matchExpressions.map((requirement) => ({
            key: requirement.key,
            operator: requirement.operator,
            ...(requirement.values ? { values: [...requirement.values].sort(compareStrings) } : {}),
          })),
        }
      : {}),
  };
}

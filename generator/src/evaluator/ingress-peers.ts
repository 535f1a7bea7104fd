import type { V1NetworkPolicyIngressRule, V1NetworkPolicyPeer } from '@kubernetes/client-node';

/** An ingress rule as a manifest read from YAML or JSON has it: `from`, not client-node's `_from`. */
export type ManifestIngressRule = V1NetworkPolicyIngressRule & { readonly from?: V1NetworkPolicyPeer[] };

/**
 * The peers of an ingress rule, whichever way the policy arrived: client-node's typed objects call
 * the field `_from` (`from` is a reserved word in its generated code), a manifest read from YAML
 * or JSON calls it `from`. Reading only one of them would turn a rule's peers into "every source".
 */
export function ingressPeers(rule: ManifestIngressRule): V1NetworkPolicyPeer[] | undefined {
  return rule._from ?? rule.from;
}

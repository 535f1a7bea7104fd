import type { V1NetworkPolicyPeer } from '@kubernetes/client-node';
import type { Edge } from '@palisade/baseliner';
import { compareStrings } from '@palisade/baseliner';
import type { PortKey } from './policy-ports.js';
import { networkPolicyPorts, portLabel, uniquePorts } from './policy-ports.js';

/** Peers with the ports and edges that grant them, for one direction of one policy. */
export class GrantSet {
  private readonly grants = new Map<string, { peer: V1NetworkPolicyPeer; label: string; ports: PortKey[]; edges: Edge[] }>();

  /** Allows `peer` on `ports`, because of `edges`. */
  add(key: string, peer: V1NetworkPolicyPeer, label: string, ports: readonly PortKey[], edges: readonly Edge[]): void {
    const grant = this.grants.get(key) ?? { peer, label, ports: [], edges: [] };
    grant.ports.push(...ports);
    grant.edges.push(...edges);
    this.grants.set(key, grant);
  }

  /**
   * Rules: peers that share the same set of ports share one rule. A rule admits every listed peer
   * on every listed port, so grouping by identical port sets keeps the policy exact.
   */
  rules(collapseRanges: boolean): { peers: V1NetworkPolicyPeer[]; ports: PortKey[]; labels: string[]; edges: Edge[]; policyPorts: ReturnType<typeof networkPolicyPorts> }[] {
    const bySignature = new Map<string, { keys: string[]; ports: PortKey[] }>();
    for (const [key, grant] of this.grants) {
      const ports = uniquePorts(grant.ports);
      const signature = ports.map(portLabel).join(',');
      const group = bySignature.get(signature) ?? { keys: [], ports };
      group.keys.push(key);
      bySignature.set(signature, group);
    }
    const rules = [...bySignature.values()].map((group) => {
      const keys = group.keys.sort(compareStrings);
      const grants = keys.map((key) => this.grants.get(key) as NonNullable<ReturnType<typeof this.grants.get>>);
      return {
        peers: grants.map((grant) => grant.peer),
        labels: grants.map((grant) => grant.label),
        ports: group.ports,
        policyPorts: networkPolicyPorts(group.ports, collapseRanges),
        edges: grants.flatMap((grant) => grant.edges),
        firstKey: keys[0] as string,
      };
    });
    return rules.sort((a, b) => compareStrings(a.firstKey, b.firstKey));
  }
}

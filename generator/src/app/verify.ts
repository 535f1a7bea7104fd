import { podsFromFlows } from '../evaluator/flow-endpoint.js';
import { buildEvaluationModel } from '../evaluator/model-inputs.js';
import type { VerifyResult } from '../verify/verify.js';
import { verifyFlows } from '../verify/verify.js';
import { emptyClusterWarning, readClusterFileIfGiven } from '../io/cluster-file.js';
import type { CliIo } from '../io/cli-io.js';
import type { FlowInputConfig } from '../io/flow-input.js';
import { readFlowInput } from '../io/flow-input.js';
import { loadNetworkPolicies } from '../io/policy-load.js';
import { InputError } from '../errors.js';

/** The validated configuration of `palisade verify`. */
export interface VerifyConfig extends FlowInputConfig {
  readonly policies: string;
  readonly output: 'text' | 'json';
}

/**
 * `palisade verify`: replays flows through the exact NetworkPolicy evaluator with the given
 * policies in force and finds the flows they would deny, grouped by edge, with the denying side.
 * The flows' own verdicts are ignored: the question is what these policies would do.
 */
export async function verifyPolicies(config: VerifyConfig, deps: { readonly io: CliIo; readonly clock?: () => number }): Promise<VerifyResult> {
  const policies = (await loadNetworkPolicies(config.policies)).map((loaded) => loaded.policy);
  // With no policy every flow is allowed: "N allowed" would answer a question nobody asked. An
  // empty directory is almost always the wrong path (or a generate that wrote nothing), so refuse.
  if (policies.length === 0)
    throw new InputError(`--policies ${config.policies}: 0 NetworkPolicies read (no manifest of kind NetworkPolicy there): check the path; without policies every flow is allowed, so there is nothing to verify`);
  const cluster = await readClusterFileIfGiven(config.cluster);
  const warning = cluster && config.cluster !== undefined ? emptyClusterWarning(config.cluster, cluster) : undefined;
  if (warning !== undefined) deps.io.stderr.write(warning);
  const { flows } = await readFlowInput(config, cluster, deps.io, deps.clock);
  const model = buildEvaluationModel({ ...(cluster ? { cluster } : {}), standIns: podsFromFlows(flows), policies });
  return verifyFlows(model, flows);
}

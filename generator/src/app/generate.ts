import type { RedisSettings } from '@palisade/baseliner/redis';
import { policyToYaml } from '../render/policy-yaml.js';
import type { GenerateReport } from '../render/generate-report.js';
import { policyFilePath } from '../render/generate-report.js';
import { renderReportMarkdown } from '../render/report-markdown.js';
import type { SynthesisOptions } from '../synthesis/synthesis-options.js';
import { emptyClusterWarning, readClusterFileIfGiven } from '../io/cluster-file.js';
import type { OutputFile } from '../io/output-directory.js';
import { writeOutputDirectory } from '../io/output-directory.js';
import type { FlowInputConfig } from '../io/flow-input.js';
import { flowInputPaths } from '../io/flow-input.js';
import { InputFiles } from '../io/input-files.js';
import { checkOutputDirectory } from '../io/output-directory.js';
import type { BaselineSource, ProposalDependencies } from './proposal.js';
import { synthesiseProposal } from './proposal.js';

/** The validated configuration of `palisade generate`. */
export interface GenerateConfig extends FlowInputConfig {
  readonly out: string;
  readonly output: 'text' | 'json';
  readonly synthesis: SynthesisOptions;
  /** Read the baseline from Redis (`--redis-url URL`) instead of folding `flows`. */
  readonly redis?: RedisSettings;
}

/** What `generate` wrote. */
export interface GenerateOutcome {
  readonly report: GenerateReport;
  /** Policy files of an earlier run removed from the output directory, relative to it. */
  readonly removed: readonly string[];
}

/**
 * `palisade generate`: the embedded default. Reads the flow files (or, with `--redis-url`, the
 * baseliner's Redis baseline), synthesises the policies, proves them against the baseline
 * (rule 19) and writes them with the reports. All state is gathered first (cluster file, flows),
 * then the pure synthesis runs.
 */
export async function generatePolicies(config: GenerateConfig, deps: ProposalDependencies): Promise<GenerateOutcome> {
  // Outputs are checked before anything is read or written: no output may be one of the inputs,
  // and --out must be a directory (or not exist yet), so a bad path fails in one line, not at the end.
  const inputs = await InputFiles.of(flowInputPaths(config));
  if (config.deadLetter !== undefined) await inputs.refuseAsOutput({ flag: '--dead-letter', path: config.deadLetter });
  await inputs.refuseAsOutput({ flag: '--out', path: config.out });
  await checkOutputDirectory(config.out);
  const cluster = await readClusterFileIfGiven(config.cluster);
  const warning = cluster && config.cluster !== undefined ? emptyClusterWarning(config.cluster, cluster) : undefined;
  if (warning !== undefined) deps.io.stderr.write(warning);
  const source: BaselineSource = config.redis
    ? { kind: 'redis', settings: config.redis }
    : {
        kind: 'flows',
        flows: config.flows,
        format: config.format,
        ...(config.deadLetter ? { deadLetter: config.deadLetter } : {}),
        ...(config.recordTimes ? { recordTimes: config.recordTimes } : {}),
      };
  const { result, report } = await synthesiseProposal(
    { source, synthesis: config.synthesis, ...(cluster ? { cluster } : {}), ...(config.cluster ? { clusterFile: config.cluster } : {}) },
    deps,
  );
  const files: OutputFile[] = [
    ...result.policies.map((plan) => ({ path: policyFilePath(plan.namespace, plan.name), content: policyToYaml(plan.policy) })),
    { path: 'report.json', content: `${JSON.stringify(report, null, 2)}\n` },
    { path: 'report.md', content: renderReportMarkdown(report) },
  ];
  const removed = await writeOutputDirectory(config.out, files, inputs);
  return { report, removed };
}

import { Command, Option } from 'commander';
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { DEFAULT_SYNTHESIS_OPTIONS, synthesisOptions } from '../synthesis/synthesis-options.js';
import { parseDuration } from './flags/duration.js';
import type { GenerateConfig } from '../app/generate.js';
import { generatePolicies } from '../app/generate.js';
import { InputError } from '../errors.js';
import { addRedisOptions, redisSettingsFromFlags } from './flags/redis-flags.js';
import { excludeNamespaceOption, NamespaceName } from './flags/namespace-flags.js';
import { typedFlag } from './flags/old-spellings.js';
import { defaultDenyOption, minWindowFlag, minWindowOption } from './flags/synthesis-flags.js';
import { addFlowInputOptions, FlowInputFlags } from './flags/flow-input-flags.js';
import { collectList, listFromFlag } from './flags/flag-values.js';
import { flagError } from './flags/flag-error.js';
import type { CliIo } from '../io/cli-io.js';
import { outputOption } from './flags/output-flag.js';
import { renderGenerate } from './generate-render.js';

const Cidr = z.string().refine((value) => ipaddr.isValidCIDR(value), { message: 'is not a CIDR (for example 10.0.0.0/16)' });

/** The flags of `generate`, validated once into a frozen configuration. */
const GenerateFlags = z.object({
  ...FlowInputFlags,
  flows: FlowInputFlags.flows,
  redisUrl: z.string().optional(),
  out: z.string().min(1),
  output: z.enum(['text', 'json']),
  excludeNamespace: z.array(NamespaceName).default([]),
  includeDenied: z.boolean().default(false),
  nodeCidr: z.array(Cidr).default([]),
  podCidr: z.array(Cidr).default([]),
  serviceCidr: z.array(Cidr).default([]),
  worldFoldMin: z.coerce.number().int().min(1, 'must be at least 1'),
  worldIngress: z.enum(['any', 'observed']),
  collapsePortRanges: z.boolean().default(false),
  defaultDeny: z.boolean().default(false),
  minWindow: minWindowFlag('24h, 7d, 90m'),
});

/** Turns the parsed flags into the configuration, or an InputError naming the flag to fix. */
export function generateConfigFromFlags(flags: Record<string, unknown>): GenerateConfig {
  const parsed = GenerateFlags.safeParse({
    ...flags,
    flows: listFromFlag(flags['flows']) ?? [],
    excludeNamespace: listFromFlag(flags['excludeNamespace']),
    nodeCidr: listFromFlag(flags['nodeCidr']),
    podCidr: listFromFlag(flags['podCidr']),
    serviceCidr: listFromFlag(flags['serviceCidr']),
  });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  if (f.flows.length === 0 && f.redisUrl === undefined) throw new InputError('--flows: needs at least one --flows PATH (or - for stdin)');
  const redisFlag = typedFlag('redisUrl', flags);
  if (f.flows.length > 0 && f.redisUrl !== undefined) throw new InputError(`${redisFlag}: reads the baseline from Redis; drop --flows, or drop ${redisFlag} to fold the files`);
  const redis = f.redisUrl === undefined ? undefined : redisSettingsFromFlags({ redisUrl: f.redisUrl, redisPrefix: flags['redisPrefix'] });
  return Object.freeze({
    flows: f.flows,
    format: f.format,
    ...(f.cluster ? { cluster: f.cluster } : {}),
    out: f.out,
    ...(f.deadLetter ? { deadLetter: f.deadLetter } : {}),
    ...(redis ? { redis } : {}),
    output: f.output,
    synthesis: synthesisOptions({
      excludeNamespaces: f.excludeNamespace,
      includeDenied: f.includeDenied,
      nodeCidrs: f.nodeCidr,
      podCidrs: f.podCidr,
      serviceCidrs: f.serviceCidr,
      worldFoldMinAddresses: f.worldFoldMin,
      worldIngress: f.worldIngress,
      collapsePortRanges: f.collapsePortRanges,
      defaultDeny: f.defaultDeny,
      minWindowMs: parseDuration(f.minWindow) as number,
    }),
  });
}

/** `palisade generate`. */
export function generateCommand(io: CliIo): Command {
  const command = addFlowInputOptions(new Command('generate')
    .summary('learn least-privilege NetworkPolicies from flow logs')
    .description(
      'Reads CNI flow logs, learns which workloads talk to which, and writes one least-privilege NetworkPolicy per workload\n' +
        'into DIR/<namespace>/<policy>.yaml, with DIR/report.json and DIR/report.md saying why each rule exists.\n' +
        'Needs no Kafka and no Redis; with --redis-url URL it reads the baseline `palisade baseline run` keeps instead.',
    ));
  return addRedisOptions(command, { url: 'read the baseline the baseliner keeps in Redis instead of --flows (redis:// or rediss://)', prefix: 'key prefix of the Redis baseline' }, { urlFromEnvironment: false })
    .addOption(new Option('--out <dir>', 'output directory').default('./palisade-out').env('PALISADE_OUT'))
    .addOption(excludeNamespaceOption())
    .addOption(new Option('--include-denied', 'let denied flows teach allow rules too').env('PALISADE_INCLUDE_DENIED'))
    .addOption(new Option('--node-cidr <cidr>', 'node addresses: allow node traffic by ipBlock instead of leaving a direction open (repeatable)').argParser(collectList).env('PALISADE_NODE_CIDRS'))
    .addOption(new Option('--pod-cidr <cidr>', 'pod network: never folded into world CIDRs (repeatable)').argParser(collectList).env('PALISADE_POD_CIDRS'))
    .addOption(new Option('--service-cidr <cidr>', 'Service network: never folded into world CIDRs (repeatable)').argParser(collectList).env('PALISADE_SERVICE_CIDRS'))
    .addOption(new Option('--world-fold-min <n>', 'fold external addresses into a /24 (/64) from this many in one prefix').default(String(DEFAULT_SYNTHESIS_OPTIONS.worldFoldMinAddresses)).env('PALISADE_WORLD_FOLD_MIN'))
    .addOption(new Option('--world-ingress <mode>', 'ingress from the internet: any address, or only the observed ones').choices(['any', 'observed']).default('any').env('PALISADE_WORLD_INGRESS'))
    .addOption(new Option('--collapse-port-ranges', 'use endPort for runs of consecutive ports').env('PALISADE_COLLAPSE_PORT_RANGES'))
    .addOption(defaultDenyOption())
    .addOption(minWindowOption('warn about workloads observed for less than this'))
    .addOption(outputOption(['text', 'json'], 'summary on stdout'))
    .addHelpText(
      'after',
      '\nExamples:\n  palisade generate --flows hubble.jsonl --cluster cluster.yaml --out policies/\n  hubble observe -o jsonpb --follow | palisade generate --flows -\n  palisade generate --redis-url redis://redis:6379 --cluster cluster.yaml --out policies/\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const config = generateConfigFromFlags(flags);
      io.stdout.write(renderGenerate(await generatePolicies(config, { io }), config));
    });
}

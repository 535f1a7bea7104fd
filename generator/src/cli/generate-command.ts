import { Command, Option } from 'commander';
import type { CliIo } from '../io/cli-io.js';
import { DEFAULT_SYNTHESIS_OPTIONS } from '../synthesis/synthesis-options.js';
import { excludeNamespaceOption } from './options/cluster-options.js';
import { collectList } from './options/flag-values.js';
import { addFlowInputOptions, addRecordTimeOptions } from './options/flow-input-options.js';
import { outputOption } from './options/output-option.js';
import { addRedisOptions } from './options/redis-options.js';
import { defaultDenyOption, isolateIdleOption, minWindowOption } from './options/synthesis-options.js';

/** `palisade generate`. */
export function generateCommand(io: CliIo): Command {
  const command = addFlowInputOptions(new Command('generate')
    .summary('learn least-privilege NetworkPolicies from flow logs')
    .description(
      'Reads CNI flow logs, learns which workloads talk to which, and writes one least-privilege NetworkPolicy per workload\n' +
        'into DIR/<namespace>/<policy>.yaml, with DIR/report.json and DIR/report.md saying why each rule exists.\n' +
        'Needs no Kafka and no Redis; with --redis-url URL it reads the baseline `palisade baseline run` keeps instead.',
    ));
  return addRedisOptions(addRecordTimeOptions(command), { url: 'read the baseline the baseliner keeps in Redis instead of --flows (redis:// or rediss://)', prefix: 'key prefix of the Redis baseline' }, { urlFromEnvironment: false })
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
    .addOption(isolateIdleOption())
    .addOption(minWindowOption('warn about workloads observed for less than this'))
    .addOption(outputOption(['text', 'json'], 'summary on stdout'))
    .addHelpText(
      'after',
      '\nExamples:\n  palisade generate --flows hubble.jsonl --cluster cluster.yaml --out policies/\n  hubble observe -o jsonpb --follow | palisade generate --flows -\n  palisade generate --redis-url redis://redis:6379 --cluster cluster.yaml --out policies/\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const [{ generateConfigFromFlags }, { generatePolicies }, { renderGenerate }] = await Promise.all([
        import('./generate-config.js'),
        import('../app/generate.js'),
        import('./generate-render.js'),
      ]);
      const config = await generateConfigFromFlags(flags);
      io.stdout.write(renderGenerate(await generatePolicies(config, { io }), config));
    });
}

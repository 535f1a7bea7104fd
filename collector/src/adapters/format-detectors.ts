import type { FlowAdapter } from './adapter.js';
import { createAntreaAdapter, type AntreaAdapterOptions } from './antrea/antrea.js';
import { createAwsVpcCniAdapter, type AwsVpcCniAdapterOptions } from './aws-vpc-cni/aws-vpc-cni.js';
import { createCalicoAdapter, type CalicoAdapterOptions } from './calico/calico.js';
import type { FlowFormat } from '../flow/flow.js';
import { createHubbleAdapter, type HubbleAdapterOptions } from './hubble/hubble.js';
import { createNetobservAdapter, type NetobservAdapterOptions } from './netobserv/netobserv.js';

/**
 * Per-line recognisers of the non-Hubble formats, for `--format auto`, and one factory for every
 * adapter. Each recogniser is pure and cheap (textual markers, no parse): it says "this line is
 * meant to be format X", so a malformed line of that format still reaches its adapter and becomes
 * a dead letter with the adapter's reason, instead of "unknown format".
 *
 * Order matters where markers overlap: a Goldmane `FlowResult` (`{"id":…,"flow":{…}}`) contains
 * `"flow"`, which the Hubble markers accept, so these recognisers run before Hubble's
 * ({@link detectExtendedFormat} does that).
 */

/**
 * A Calico Enterprise flow-log line (`reporter` with the aggregated-name fields), a Goldmane
 * flow (its `Key`/`key` with `dest_port`/`destPort`), or a calico-felix syslog policy line.
 */
export function looksLikeCalico(line: string): boolean {
  if (line.includes('calico-felix[')) return true;
  if (!line.trimStart().startsWith('{')) return false;
  if (line.includes('"reporter"') && (line.includes('"source_name_aggr"') || line.includes('"dest_name_aggr"'))) return true;
  return /"[Kk]ey"\s*:/.test(line) && /"(?:dest_port|destPort)"/.test(line) && /"(?:source_type|sourceType)"/.test(line);
}

/** An EKS network-policy agent flow line: `Flow Info:` (zap JSON or text) or the CloudWatch form. */
export function looksLikeAwsVpcCni(line: string): boolean {
  if (line.includes('Flow Info:')) return true;
  return line.includes('SIP: ') && line.includes(';DIP: ') && line.includes('PolicyVerdict: ');
}

const ANTREA_AUDIT = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+ \S+ \S+ (?:Ingress|Egress) /;

/** An Antrea Flow Aggregator record (IPFIX element names as JSON) or an `np.log` audit line. */
export function looksLikeAntrea(line: string): boolean {
  const start = line.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return line.includes('"sourceTransportPort"') || line.includes('"destinationPodName"') || line.includes('"protocolIdentifier"');
  return ANTREA_AUDIT.test(start);
}

/** A NetObserv flowlogs-pipeline record (one JSON object per message). */
export function looksLikeNetobserv(line: string): boolean {
  if (!line.trimStart().startsWith('{')) return false;
  return line.includes('"TimeFlowStartMs"') || (line.includes('"SrcAddr"') && line.includes('"DstAddr"'));
}

/** The formats the recognisers above tell apart, in the order they are tried. */
export const EXTENDED_FORMATS = ['calico', 'aws-vpc-cni', 'antrea', 'netobserv'] as const;
/** A format with a recogniser in this module. */
export type ExtendedFormat = (typeof EXTENDED_FORMATS)[number];

const RECOGNISERS: Readonly<Record<ExtendedFormat, (line: string) => boolean>> = {
  calico: looksLikeCalico,
  'aws-vpc-cni': looksLikeAwsVpcCni,
  antrea: looksLikeAntrea,
  netobserv: looksLikeNetobserv,
};

/** The non-Hubble format of one line, or undefined (then Hubble's detector decides). */
export function detectExtendedFormat(line: string): ExtendedFormat | undefined {
  return EXTENDED_FORMATS.find((format) => RECOGNISERS[format](line));
}

/** Options of every adapter; each adapter reads its own part. */
export interface AdapterFactoryOptions
  extends Omit<HubbleAdapterOptions, 'connections'>,
    Omit<CalicoAdapterOptions, 'connections'>,
    Omit<AwsVpcCniAdapterOptions, 'connections'>,
    Omit<AntreaAdapterOptions, 'connections'>,
    Omit<NetobservAdapterOptions, 'connections'> {
  /** Connection-table bounds for every adapter. */
  readonly connections?: HubbleAdapterOptions['connections'];
}

/** A new adapter of `format`, with its own connection table. */
export function createAdapterFor(format: FlowFormat, options: AdapterFactoryOptions = {}): FlowAdapter {
  switch (format) {
    case 'hubble':
      return createHubbleAdapter(options);
    case 'calico':
      return createCalicoAdapter(options);
    case 'aws-vpc-cni':
      return createAwsVpcCniAdapter(options);
    case 'antrea':
      return createAntreaAdapter(options);
    case 'netobserv':
      return createNetobservAdapter(options);
  }
}

import { FLOW_FORMATS, type FlowFormat } from '../flow/flow.js';
import { detectExtendedFormat } from './format-detectors.js';

/**
 * Per-line detection of the flow-log format, for `--format auto`. Input files may mix formats
 * (several collectors writing to one place), so every line is judged on its own, by cheap textual
 * markers rather than a full parse.
 */

/** A format to read every line as (`--format`, `FlowStream`), or `auto` to detect each line. */
export type IngestFormat = 'auto' | FlowFormat;

/** The formats accepted by `--format`. */
export const INGEST_FORMATS: readonly IngestFormat[] = ['auto', ...FLOW_FORMATS];

/**
 * Fields that every Hubble JSON line carries: the `GetFlowsResponse` envelope's `flow`,
 * `node_status` or `lost_events`, or, for a bare `flow.Flow`, its `verdict` / `event_type` / `IP`.
 */
const HUBBLE_MARKERS = ['"flow"', '"node_status"', '"lost_events"', '"verdict"', '"event_type"', '"IP"'] as const;

/** The format of one line, or undefined when no adapter recognises it. */
export function detectFormat(line: string): FlowFormat | undefined {
  const start = line.trimStart();
  // Hubble's envelope as `hubble observe -o jsonpb` and the exporter write it, first: it is the
  // common case. A Goldmane FlowResult also holds a "flow" object, but never starts like this.
  if (start.startsWith('{"flow":{"time"')) return 'hubble';
  const other = detectExtendedFormat(line);
  if (other !== undefined) return other;
  if (start.startsWith('{') && HUBBLE_MARKERS.some((marker) => start.includes(marker))) return 'hubble';
  return undefined;
}

import type { LockTarget } from '@palisade/baseliner';
import { parsePeerId, parseRetention, peerId } from '@palisade/baseliner';
import { isDnsLabel } from '@palisade/collector';
import { InputError } from '../errors.js';

/** `ns/Kind/name` or an InputError saying what a workload id looks like. */
export function workloadFlag(value: string, flag = '--workload'): string {
  const peer = parsePeerId(value);
  if (peer?.kind !== 'workload') throw new InputError(`${flag} ${JSON.stringify(value)}: must be NAMESPACE/KIND/NAME, for example shop/Deployment/api`);
  return peerId(peer);
}

/** The target of `baseline lock`/`unlock`: exactly one of `--namespace` and `--workload`. */
export function lockTarget(flags: Record<string, unknown>): LockTarget {
  const namespace = flags['namespace'] as string | undefined;
  const workload = flags['workload'] as string | undefined;
  if ((namespace === undefined) === (workload === undefined)) throw new InputError('needs exactly one of --namespace NS or --workload NS/KIND/NAME');
  if (namespace !== undefined) {
    if (!isDnsLabel(namespace)) throw new InputError(`--namespace ${JSON.stringify(namespace)}: is not a namespace name`);
    return { kind: 'namespace', namespace };
  }
  return { kind: 'workload', workload: workloadFlag(workload as string) };
}

/** `--retention DURATION` in milliseconds. */
export function retentionFlag(value: unknown): number {
  const retention = parseRetention(String(value));
  if (retention === undefined) throw new InputError(`--retention ${JSON.stringify(value)}: is not a duration (for example 14d, 36h)`);
  return retention;
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { cidrWithin, InvalidAddressError, parseCidr } from '../evaluator/ip-block.js';

/**
 * Loading NetworkPolicies from files (`--policies DIR|FILE`, `--current`, `--proposed`). The parse
 * is pure ({@link parseNetworkPolicies}); the reader around it only lists and reads files. Every
 * document is validated with the API server's rules that matter to evaluation, and every problem
 * names the file, the document and the field: `policies/x.yaml: document 2: spec.podSelector: required`.
 */

/** A policy and where it came from. */
export interface LoadedPolicy {
  readonly policy: V1NetworkPolicy;
  readonly file: string;
  /** 1-based document number in the file (items of a `kind: List` count as documents). */
  readonly document: number;
}

/** Raised when files hold something other than valid NetworkPolicies; `problems` lists each one. */
export class PolicyLoadError extends InputError {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(problems.length === 1 ? (problems[0] as string) : `${problems.length} problems:\n${problems.join('\n')}`, options);
  }
}

// IANA service name, as the API server checks a named port: up to 15 characters, lowercase
// alphanumerics and '-', at least one letter, no leading, trailing or double '-'.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*$/;

const Labels = z.record(z.string(), z.string());
const Requirement = z
  .object({
    key: z.string().min(1),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(z.string()).optional(),
  })
  .superRefine((requirement, ctx) => {
    const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    const count = requirement.values?.length ?? 0;
    if (needsValues && count === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `${requirement.operator} needs at least one value` });
    if (!needsValues && count > 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `${requirement.operator} takes no values` });
  });
const Selector = z.object({ matchLabels: Labels.optional(), matchExpressions: z.array(Requirement).optional() });

const Cidr = z.string().superRefine((text, ctx) => {
  try {
    parseCidr(text);
  } catch (error) {
    if (error instanceof InvalidAddressError) ctx.addIssue({ code: 'custom', message: error.message });
    else throw error;
  }
});
const IpBlock = z
  .object({ cidr: Cidr, except: z.array(Cidr).optional() })
  .superRefine((block, ctx) => {
    let range;
    try {
      range = parseCidr(block.cidr);
    } catch {
      return;
    }
    for (const [index, excluded] of (block.except ?? []).entries()) {
      try {
        if (!cidrWithin(parseCidr(excluded), range)) ctx.addIssue({ code: 'custom', path: ['except', index], message: `${excluded} is not inside ${block.cidr}` });
      } catch {
        // Already reported by Cidr.
      }
    }
  });
const Peer = z
  .object({ podSelector: Selector.optional(), namespaceSelector: Selector.optional(), ipBlock: IpBlock.optional() })
  .superRefine((peer, ctx) => {
    const selectors = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
    if (peer.ipBlock !== undefined && selectors) ctx.addIssue({ code: 'custom', message: 'ipBlock cannot be combined with podSelector or namespaceSelector' });
    if (peer.ipBlock === undefined && !selectors) ctx.addIssue({ code: 'custom', message: 'needs podSelector, namespaceSelector or ipBlock' });
  });
const Port = z
  .object({
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
    port: z
      .union([
        z.number().int().min(1).max(65535),
        z.string().max(15).regex(PORT_NAME, 'must be a port number or a port name (IANA_SVC_NAME: lowercase letters, digits and -, at least one letter)'),
      ])
      .optional(),
    endPort: z.number().int().min(1).max(65535).optional(),
  })
  .superRefine((port, ctx) => {
    if (port.endPort === undefined) return;
    if (typeof port.port !== 'number') ctx.addIssue({ code: 'custom', path: ['endPort'], message: 'needs a numeric port' });
    else if (port.endPort < port.port) ctx.addIssue({ code: 'custom', path: ['endPort'], message: `must not be below port ${port.port}` });
  });
const PolicyTypes = z.array(z.enum(['Ingress', 'Egress']));

/** The NetworkPolicy manifest schema (networking.k8s.io/v1), strict where evaluation depends on it. */
export const NetworkPolicyManifestSchema = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy'),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().min(1).optional() }),
  spec: z.object({
    podSelector: Selector,
    policyTypes: PolicyTypes.optional(),
    ingress: z.array(z.object({ from: z.array(Peer).optional(), ports: z.array(Port).optional() })).optional(),
    egress: z.array(z.object({ to: z.array(Peer).optional(), ports: z.array(Port).optional() })).optional(),
  }),
});

function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? String(part) : `.${String(part)}`;
  return text === '' ? '(document)' : text;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'required';
  if (issue.code === 'invalid_value' && issue.path.length === 1 && issue.path[0] === 'kind') return `expected NetworkPolicy (this file must hold only NetworkPolicies)`;
  return issue.message;
}

/**
 * Parses the text of one file: YAML with any number of documents, JSON, or a `kind: List` of
 * NetworkPolicies. Empty documents are skipped. Returns the policies, or throws
 * {@link PolicyLoadError} listing every invalid document with file, document number and field.
 * `defaultNamespace` fills a missing `metadata.namespace`, as `kubectl apply -n` would.
 */
export function parseNetworkPolicies(text: string, fileName: string, options: { readonly defaultNamespace?: string } = {}): LoadedPolicy[] {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text);
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.message.split('\n')[0] : String(error);
    throw new PolicyLoadError([`${fileName}: not valid YAML or JSON: ${reason}`], { cause: error });
  }
  const items: unknown[] = [];
  for (const document of documents) {
    if (document === null || document === undefined) continue;
    const list = document as { kind?: unknown; items?: unknown };
    if (typeof list === 'object' && typeof list.kind === 'string' && list.kind.endsWith('List') && Array.isArray(list.items)) items.push(...list.items);
    else items.push(document);
  }
  const problems: string[] = [];
  const policies: LoadedPolicy[] = [];
  for (const [index, item] of items.entries()) {
    const result = NetworkPolicyManifestSchema.safeParse(item);
    if (!result.success) {
      const kind = (item as { kind?: unknown } | null)?.kind;
      if (typeof kind === 'string' && kind !== 'NetworkPolicy') {
        problems.push(`${fileName}: document ${index + 1}: kind: ${kind} is not a NetworkPolicy (this file must hold only NetworkPolicies)`);
        continue;
      }
      for (const issue of result.error.issues) problems.push(`${fileName}: document ${index + 1}: ${fieldPath(issue.path)}: ${issueMessage(issue)}`);
      continue;
    }
    const manifest = structuredClone(item) as V1NetworkPolicy;
    if (manifest.metadata !== undefined && manifest.metadata.namespace === undefined) manifest.metadata.namespace = options.defaultNamespace ?? 'default';
    policies.push({ policy: manifest, file: fileName, document: index + 1 });
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  return policies;
}

const POLICY_FILE = /\.(ya?ml|json)$/i;
/** Palisade's own report files sit beside the policies in an output directory; they are not manifests. */
const REPORT_FILE = /^report\.(json|md)$/;

async function listPolicyFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new PolicyLoadError([`${path}: cannot read (${error.code ?? error.message})`], { cause: error });
  });
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await listPolicyFiles(child)));
    else if (POLICY_FILE.test(entry.name) && !REPORT_FILE.test(entry.name)) files.push(child);
  }
  return files;
}

/**
 * Reads NetworkPolicies from a file or, recursively, from every `*.yaml`, `*.yml` and `*.json` of a
 * directory (in name order; `report.json` of a `generate` output directory is skipped). All files are read before failing, so one run reports every problem;
 * the same `namespace/name` twice is a problem too.
 */
export async function loadNetworkPolicies(path: string, options: { readonly defaultNamespace?: string } = {}): Promise<LoadedPolicy[]> {
  const problems: string[] = [];
  const loaded: LoadedPolicy[] = [];
  for (const file of await listPolicyFiles(path)) {
    try {
      loaded.push(...parseNetworkPolicies(await readFile(file, 'utf8'), file, options));
    } catch (error) {
      if (error instanceof PolicyLoadError) problems.push(...error.problems);
      else throw error;
    }
  }
  const seen = new Map<string, LoadedPolicy>();
  for (const entry of loaded) {
    const key = `${entry.policy.metadata?.namespace}/${entry.policy.metadata?.name}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${entry.file}: document ${entry.document}: metadata.name: ${key} is also defined in ${first.file} (document ${first.document})`);
    else seen.set(key, entry);
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  return loaded;
}

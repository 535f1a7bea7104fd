import { z } from 'zod';
import type { PublishConfig } from '../../app/pr.js';
import { InputError } from '../../errors.js';
import { parseRepository } from '../../publish/github.js';
import { requestTimeoutMs } from './cluster-flags.js';

const Branch = z.string().regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'is not a branch name');

/** zod shape of the publishing flags of `pr` and `refresh --then pr`. */
export const PublishFlags = {
  gitDir: z.string({ error: 'needs --git-dir PATH (a clone of the GitOps repository)' }).min(1),
  path: z.string({ error: 'needs --path DIR (where the policies live in the repository)' }).min(1),
  base: Branch.optional(),
  branch: Branch.default('palisade/network-policies'),
  remote: z.string().min(1).default('origin'),
  github: z.string().optional(),
  githubApiUrl: z.url({ protocol: /^https?$/, error: 'is not an http(s) URL' }).default('https://api.github.com'),
  cluster: z.string().optional(),
};

/** The publishing part of a parsed flag set. */
export function publishConfig(f: z.infer<z.ZodObject<typeof PublishFlags>> & { readonly requestTimeout?: string | undefined }): PublishConfig {
  if (f.base === undefined) throw new InputError('--base: needs --base BRANCH (the branch the pull request goes into, e.g. main)');
  if (f.base === f.branch) throw new InputError(`--branch ${f.branch}: must differ from --base`);
  return {
    gitDir: f.gitDir,
    target: { path: f.path, base: f.base, branch: f.branch, remote: f.remote },
    ...(f.github ? { github: { ...parseRepository(f.github), apiUrl: f.githubApiUrl, requestTimeoutMs: requestTimeoutMs(f) } } : {}),
    ...(f.cluster ? { clusterFile: f.cluster } : {}),
  };
}

import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import type { PublishConfig } from '../../app/pr.js';
import { InputError } from '../../errors.js';
import { parseRepository } from '../../publish/github.js';

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

/** Adds the publishing flags. */
export function addPublishOptions(command: Command): Command {
  return command
    .addOption(new Option('--git-dir <path>', 'a clone of the GitOps repository, used only by Palisade').env('PALISADE_GIT_DIR'))
    .addOption(new Option('--path <dir>', 'directory of the policies inside the repository').env('PALISADE_GIT_PATH'))
    .addOption(new Option('--base <branch>', 'branch the pull request goes into').env('PALISADE_GIT_BASE'))
    .addOption(new Option('--branch <branch>', 'branch Palisade pushes its proposal to').default('palisade/network-policies').env('PALISADE_GIT_BRANCH'))
    .addOption(new Option('--remote <name>', 'Git remote to fetch from and push to').default('origin').env('PALISADE_GIT_REMOTE'))
    .addOption(new Option('--github <owner/repo>', 'open or update the pull request on GitHub (token in GITHUB_TOKEN)').env('PALISADE_GITHUB_REPOSITORY'))
    .addOption(new Option('--github-api-url <url>', 'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)').default('https://api.github.com').env('PALISADE_GITHUB_API_URL'))
    .addOption(new Option('--cluster <file>', 'cluster objects as kubectl get -o yaml prints them, when --kubeconfig is not given').env('PALISADE_CLUSTER'));
}

/** The publishing part of a parsed flag set. */
export function publishConfig(f: z.infer<z.ZodObject<typeof PublishFlags>>): PublishConfig {
  if (f.base === undefined) throw new InputError('--base: needs --base BRANCH (the branch the pull request goes into, e.g. main)');
  if (f.base === f.branch) throw new InputError(`--branch ${f.branch}: must differ from --base`);
  return {
    gitDir: f.gitDir,
    target: { path: f.path, base: f.base, branch: f.branch, remote: f.remote },
    ...(f.github ? { github: { ...parseRepository(f.github), apiUrl: f.githubApiUrl } } : {}),
    ...(f.cluster ? { clusterFile: f.cluster } : {}),
  };
}

import { Command } from 'commander';
import { z } from 'zod';
import { githubFromEnvironment } from '../app/github-client.js';
import type { PrConfig } from '../app/pr.js';
import { publishProposal } from '../app/pr.js';
import { kubernetesClusterApi, loadKubeConfig } from '../cluster/kubernetes-client.js';
import { gitCommandLine } from '../publish/git.js';
import type { CommandContext } from './command-context.js';
import { addClusterOptions, clusterConfig, ClusterFlags } from './flags/cluster-flags.js';
import { flagError } from './flags/flag-error.js';
import { listFromFlag } from './flags/flag-values.js';
import { outputOption } from './flags/output-flag.js';
import { addProposalOptions, ProposalFlags, proposalConfig, proposalFlagInput } from './flags/proposal-flags.js';
import { addPublishOptions, publishConfig, PublishFlags } from './flags/publish-flags.js';
import { renderPr } from './pr-render.js';

const PrFlags = z.object({ ...ProposalFlags, ...ClusterFlags, ...PublishFlags, output: z.enum(['text', 'json']) });

/** Parses `pr`'s flags once. */
export function prConfigFromFlags(flags: Record<string, unknown>): PrConfig {
  const parsed = PrFlags.safeParse({ ...proposalFlagInput(flags), namespace: listFromFlag(flags['namespace']) });
  if (!parsed.success) throw flagError(parsed.error.issues[0], flags);
  const f = parsed.data;
  return Object.freeze({ proposal: proposalConfig(f, flags), ...publishConfig(f), ...clusterConfig(f), output: f.output });
}

/** `palisade pr`. */
export function prCommand(context: CommandContext): Command {
  return addPublishOptions(
    addClusterOptions(
      addProposalOptions(
        new Command('pr')
          .summary('commit the policies to a Git repository and open or update a pull request')
          .description(
            'Writes the proposed policies into --path of a Git working copy on --branch (rebuilt from --base each run),\n' +
              'commits and pushes only when they differ from what the branch already proposes, and opens one pull request\n' +
              '(or updates it) with a Markdown body: summary, semantic diff, verification, warnings. The GitHub token is\n' +
              'read from GITHUB_TOKEN and never printed. Pushing uses the working copy\'s own Git credentials.',
          ),
      ),
    ),
  )
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  GITHUB_TOKEN=… palisade pr --flows hubble.jsonl --git-dir ./gitops --path clusters/prod/netpol --base main --github acme/gitops\n')
    .action(async (flags: Record<string, unknown>) => {
      const config = prConfigFromFlags(flags);
      const pullRequests = githubFromEnvironment(config.github);
      const cluster = config.kubeconfig !== undefined ? kubernetesClusterApi(loadKubeConfig(config.kubeconfig)) : undefined;
      const outcome = await publishProposal(config, { io: context.io, git: gitCommandLine(config.gitDir), ...(pullRequests ? { pullRequests } : {}), ...(cluster ? { cluster } : {}) });
      context.io.stdout.write(renderPr(outcome, config));
    });
}

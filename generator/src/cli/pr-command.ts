import { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { addClusterOptions } from './options/cluster-options.js';
import { outputOption } from './options/output-option.js';
import { addProposalOptions } from './options/proposal-options.js';
import { addPublishOptions } from './options/publish-options.js';

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
      const [{ prConfigFromFlags }, { githubFromEnvironment }, { connectCluster }, { publishProposal }, { gitCommandLine }, { renderPr }] = await Promise.all([
        import('./pr-config.js'),
        import('../app/github-client.js'),
        import('../app/live-cluster.js'),
        import('../app/pr.js'),
        import('../publish/git.js'),
        import('./pr-render.js'),
      ]);
      const config = await prConfigFromFlags(flags);
      const pullRequests = await githubFromEnvironment(config.github);
      const cluster = config.kubeconfig !== undefined ? await connectCluster(config.kubeconfig, config) : undefined;
      const outcome = await publishProposal(config, { io: context.io, git: gitCommandLine(config.gitDir), ...(pullRequests ? { pullRequests } : {}), ...(cluster ? { cluster } : {}) });
      context.io.stdout.write(renderPr(outcome, config));
    });
}

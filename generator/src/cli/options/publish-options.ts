import type { Command } from 'commander';
import { Option } from 'commander';

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

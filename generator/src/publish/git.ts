import { execFile } from 'node:child_process';
import { ClusterError } from '../errors.js';

/**
 * Git through the `git` command line, in one working copy: a thin wrapper so the publishing logic
 * sees only {@link GitRunner}. Palisade never reimplements Git; it runs the commands a person would.
 */

/** What one git command printed, and how it exited. */
export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs git commands in one working copy. */
export interface GitRunner {
  /** The working copy's top-level directory. */
  readonly directory: string;
  /** Runs `git ARGS`; rejects on a non-zero exit unless `allowFailure`. */
  run(args: readonly string[], options?: { readonly allowFailure?: boolean }): Promise<GitResult>;
}

/** Identity of Palisade's commits when the environment sets none (GIT_AUTHOR_NAME, ...). */
const DEFAULT_IDENTITY = { name: 'Palisade', email: 'palisade@users.noreply.github.com' } as const;

/** A {@link GitRunner} over the `git` binary. */
export function gitCommandLine(directory: string, env: NodeJS.ProcessEnv = process.env): GitRunner {
  const gitEnv: NodeJS.ProcessEnv = {
    ...env,
    GIT_AUTHOR_NAME: env['GIT_AUTHOR_NAME'] ?? DEFAULT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: env['GIT_AUTHOR_EMAIL'] ?? DEFAULT_IDENTITY.email,
    GIT_COMMITTER_NAME: env['GIT_COMMITTER_NAME'] ?? DEFAULT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: env['GIT_COMMITTER_EMAIL'] ?? DEFAULT_IDENTITY.email,
    // A scheduled job has no one to type a password: fail instead of waiting for one.
    GIT_TERMINAL_PROMPT: '0',
  };
  return {
    directory,
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        execFile('git', ['-C', directory, ...args], { env: gitEnv, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          if (error !== null && typeof error.code !== 'number')
            return reject(new ClusterError(`git ${args[0] ?? ''}: cannot run git: ${error.message}`, { cause: error, retriable: false }));
          if (code !== 0 && !options.allowFailure)
            return reject(new ClusterError(`git ${args.join(' ')} failed in ${directory}: ${stderr.trim().split('\n').slice(-2).join(' ')}`, { cause: error }));
          resolve({ code, stdout, stderr });
        });
      });
    },
  };
}

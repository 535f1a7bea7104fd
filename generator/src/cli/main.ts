import { runCli } from './program.js';

// The one place the process is touched: arguments in, exit code out.
const exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
process.exitCode = exitCode;

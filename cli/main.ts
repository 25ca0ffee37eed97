import { Command, Option } from 'commander';
import { KILN_VERSION } from '../bake/kiln-root.js';
import { FAULTS } from '../simulate/release/faults.js';
import { renderError } from './render-error.js';
import type { GlobalOptions } from './global-options.js';

// The AWS SDK warns on every start under Node 20 about its 2027 support window; the README says it once.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : (warning as Error)?.message ?? '';
  if (/AWS SDK for JavaScript \(v3\)/.test(text) || (rest[0] as { type?: string })?.type === 'NodeVersionSupportWarning' || rest[0] === 'NodeVersionSupportWarning') return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

// Most release-time commands act on one environment, the local one unless told.
const environmentOption = () => new Option('--env <name>', 'the environment').default('local');

// Command modules load lazily, so `kiln --help` and `kiln --version` never pay for docker or ink.
type Runner = (args: string[], options: Record<string, unknown>, global: GlobalOptions) => Promise<number>;
const load = (module: string) => async (...args: unknown[]) => {
  const command = args[args.length - 1] as Command;
  const global = command.optsWithGlobals() as GlobalOptions;
  try {
    const { run } = (await import(`./commands/${module}.js`)) as { run: Runner };
    process.exitCode = await run(command.args, command.opts(), global);
  } catch (error) {
    process.exitCode = renderError(error, { json: Boolean(global.json), verbose: Boolean(global.verbose) });
  }
};

const program = new Command('kiln')
  .description('Bake layered images from shell templates, verify them with the network off, and rehearse releases.')
  .version(KILN_VERSION, '-V, --version')
  .option('-C, --project <dir>', 'the project directory (where kiln.yaml lives)', '.')
  .option('--json', 'print one JSON object with the result on stdout (progress stays on stderr)')
  .option('--plain', 'plain line output, never the interactive UI')
  .option('-q, --quiet', 'hide streamed build output; keep step lines')
  .option('--verbose', 'show stack traces on errors')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `
Exit codes: 0 ok, 1 a failure (a build, a test, docker), 2 a user error (bad config or arguments).
Progress goes to stderr, results to stdout: \`kiln bake --json | jq .image\` works.

Start here:
  kiln init my-app         scaffold a project that bakes as-is
  kiln bake -C my-app      bake it (only changed layers rebuild)
  kiln verify -C my-app    boot it with the network off and run its image tests`);

program.command('init').argument('[dir]', 'where to create the project', '.')
  .description('scaffold a working project: kiln.yaml, a small HTTP app, its build and tests')
  .option('--name <name>', 'the project name (default: the directory name)')
  .action(load('init'));

program.command('render')
  .description('render every layer and configure script into a directory, for reading')
  .option('-o, --out <dir>', 'where to write them', '.kiln/render')
  .action(load('render'));

program.command('lint')
  .description('render all scripts, flag network use in configure scripts, and run shellcheck on each')
  .option('--no-shellcheck', 'skip shellcheck (e.g. where it is not installed)')
  .action(load('lint'));

program.command('bake')
  .description('bake the image: OS, packages and app layers; unchanged layers are reused from cache')
  .option('--no-build', 'do not run app.build first')
  .addOption(new Option('--verify', 'verify the image after baking (as `kiln verify`)'))
  .option('--role <role>', 'with --verify: the role to boot')
  .action(load('bake'));

program.command('verify').argument('[image]', 'the image to verify (default: the project\'s latest bake)')
  .description('boot the image with networking disabled, run a role\'s configure script and command, then the image tests')
  .option('--role <role>', 'the role to boot (default: the first role with a port)')
  .option('--keep', 'leave the instance container running for inspection')
  .action(load('verify'));

const collect = (value: string, previous: string[]) => [...previous, value];

program.command('release')
  .description('run the twelve steps: freeze, tag, build, test, image, configure, launch, test, start services, cutover, test in production, shut down the old stack')
  .option('-y, --yes', 'answer yes to every question (needed without a terminal)')
  .option('--env <name>', 'the environment to release into (default: local, or the --target name)')
  .option('--target <target>', 'where to run it: local (Docker), moto or localstack (AWS emulators on 127.0.0.1), aws')
  .option('--plan', 'with --target aws|moto|localstack: print every AWS call the release would make, send nothing')
  .option('--inject <step:fault>', `rehearse a failure: ${Object.keys(FAULTS).join(', ')} (repeatable)`, collect, [])
  .option('--keep-old', 'skip step 12: keep the old stack running for an instant rollback')
  .option('--resume', 'continue an interrupted release from its last completed step')
  .option('--abort', 'undo an interrupted release (cleanup runs; the old stack keeps serving)')
  .addHelpText('after', `
With --json, events stream as NDJSON on stdout and the last line is the summary:
  {"release","outcome","url","steps":[{"n","name","status","seconds"}],...}
Outcomes: live, rolled-back (a production test failed; the old stack serves), failed (before cutover), aborted.
Exit code 0 only when the release went live.`)
  .action(load('release'));

program.command('push').argument('[release|image]', 'a release id, or an image (default: the project\'s latest bake)')
  .description('push an image that passed kiln verify to a registry, tagged with its recipe digest and release tag')
  .option('--to <registry>', 'the registry, host[:port][/path], e.g. 127.0.0.1:5000, or ecr (required)')
  .option('--aws <target>', 'with --to ecr: aws (default), or the moto / localstack emulators')
  .option('--force', 'push even without a passing verification (warned, and journaled as forced)')
  .option('--env <name>', 'the environment whose journal holds the release', 'local')
  .addHelpText('after', `
The pushed repo@sha256 digest is journaled in .kiln/journal/pushes.json, and in the release's record
when you push a release. A local registry: bash scripts/start-registry.sh (127.0.0.1:5000).
--to ecr creates the repository kiln/<project> when missing and logs in with GetAuthorizationToken; on an
emulator, whose ECR stores no layers, the local registry holds them and the manifest goes to its ECR.`)
  .action(load('push'));

program.command('promote').argument('<release>', 'a release that went live in rehearsal, e.g. hello-r3')
  .description('ship a rehearsed release: the same tag through the twelve steps on AWS (or an emulator), refused if its recipe digest differs')
  .requiredOption('--to <target>', 'aws, moto or localstack')
  .option('--from <env>', 'the environment it was rehearsed in', 'local')
  .option('--env <name>', 'the environment to promote into (default: the target name)')
  .option('-y, --yes', 'answer yes to every question')
  .action(load('promote'));

program.command('status')
  .description('what is live in an environment: release, url, load balancer and instance health')
  .addOption(environmentOption())
  .action(load('status'));

program.command('history')
  .description('every release in an environment, oldest first, with outcome, commit and recipe digest')
  .addOption(environmentOption())
  .action(load('history'));

program.command('rollback')
  .description('serve an earlier release again: switch to its stack, or relaunch its image (never rebuilds)')
  .option('--to <release>', 'the release to go back to (default: the newest earlier one that went live)')
  .option('--keep', 'keep the current stack running as a standby')
  .addOption(environmentOption())
  .action(load('rollback'));

program.command('heal')
  .description('replace dead or unhealthy instances of the live release with fresh ones from the same image')
  .option('--watch', 'keep healing until Ctrl-C')
  .option('--interval <seconds>', 'with --watch: seconds between passes', '5')
  .addOption(environmentOption())
  .action(load('heal'));

program.command('gc')
  .description('remove images (Docker images, or AMIs on the aws targets) of releases older than the newest release.keep (live and standby stay)')
  .option('--keep <n>', 'how many recent releases to keep (default: release.keep)')
  .option('--dry-run', 'say what would go, remove nothing')
  .addOption(environmentOption())
  .action(load('gc'));

program.command('diff').argument('<from>', 'a release, e.g. hello-r1').argument('<to>', 'a later release')
  .description('what changed between two releases: packages added, removed or upgraded, app files, dependencies, layer digests')
  .addOption(environmentOption())
  .action(load('diff'));

program.command('destroy')
  .description('remove an environment\'s instances, load balancer and network (the journal keeps its history)')
  .addOption(environmentOption())
  .option('-y, --yes', 'confirm')
  .action(load('destroy'));

program.command('ui', { isDefault: true })
  .description('the full-screen terminal UI, which `kiln` alone opens: bake, verify, release and roll back on keys (needs a terminal; never with --json, --plain or CI)')
  .addOption(environmentOption())
  .option('--inject <step:fault>', 'rehearse a failure in the first release started from the UI (faults as for kiln release; repeatable)', collect, [])
  .option('-y, --yes', 'ask nothing: cut over without asking, no choices after a failure, Ctrl-C aborts cleanly')
  .action(load('ui'));

await program.parseAsync(process.argv);

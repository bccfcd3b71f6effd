// `pnpm test`: every check the project has, in the order a failure is cheapest to read.
// 1. the Debian verifiers are installed, 2. packages build, 3. types check and code is formatted,
// 4. packages are publishable (publint, attw), 5. the test suite (vitest) runs against real openssl.
import { spawnSync } from 'node:child_process';
import { ensureTools } from './ensure-tools.mjs';

const node = process.env.SIGNET_TEST_NODE; // another Node binary to run the suite with (CI: Node 24)
// SIGNET_SKIP_BUILD=1 reuses the build of a previous run (CI's second pass on Node 24).

function step(title, command, args, env = {}) {
  console.log(`\n▸ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

ensureTools();
if (!process.env.SIGNET_SKIP_BUILD) {
  step('build', 'pnpm', ['build']);
  step('typecheck', 'pnpm', ['typecheck']);
  step('formatting', 'pnpm', ['format:check']);
  step('package checks', 'pnpm', ['lint:packages']);
}
if (node) {
  step(`tests on ${node}`, node, ['node_modules/vitest/vitest.mjs', 'run']);
} else {
  step('tests', 'pnpm', ['exec', 'vitest', 'run']);
}

// Copies the compiled SDK (dist/*.js) into the demo app that `keycard serve --demo` serves
// (src/Keycard.Server/Demo/sdk/), so `dotnet build` needs no Node. The copies are committed;
// `--check` fails when they differ from a fresh build (the SDK's tests run it).
//
//   node scripts/demo-sdk.mjs          write the copies (after `npm run build`)
//   node scripts/demo-sdk.mjs --check  exit 1 when the committed copies are stale
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const target = fileURLToPath(new URL('../../../src/Keycard.Server/Demo/sdk/', import.meta.url));
const banner = '// Generated from clients/js/src by `npm run build:demo` in clients/js. Do not edit.\n';

/** The files the demo serves: each dist/*.js with a banner and without its source-map comment (maps are not served). */
function expectedFiles() {
  if (!existsSync(dist)) throw new Error(`${dist} does not exist: run \`npm run build\` first`);
  const files = new Map();
  for (const name of readdirSync(dist).filter((n) => n.endsWith('.js')).sort()) {
    const source = readFileSync(dist + name, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    files.set(name, banner + source);
  }
  if (!files.has('index.js')) throw new Error(`${dist} has no index.js`);
  return files;
}

function committedFiles() {
  const files = new Map();
  if (!existsSync(target)) return files;
  for (const name of readdirSync(target).sort()) files.set(name, readFileSync(target + name, 'utf8'));
  return files;
}

/** Differences between a fresh build and the committed copies, one line each. */
export function demoSdkDifferences() {
  const expected = expectedFiles();
  const actual = committedFiles();
  const problems = [];
  for (const [name, content] of expected) {
    if (!actual.has(name)) problems.push(`missing: ${name}`);
    else if (actual.get(name) !== content) problems.push(`stale: ${name}`);
  }
  for (const name of actual.keys()) if (!expected.has(name)) problems.push(`not in dist: ${name}`);
  return problems;
}

function write() {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const [name, content] of expectedFiles()) writeFileSync(target + name, content);
  console.log(`demo-sdk: wrote ${[...expectedFiles().keys()].join(', ')} to ${target}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const problems = demoSdkDifferences();
    if (problems.length > 0) {
      console.error(`demo-sdk: src/Keycard.Server/Demo/sdk/ differs from a fresh build; run \`npm run build:demo\` in clients/js.\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log('demo-sdk: the demo\'s SDK copy matches the build');
  } else {
    write();
  }
}

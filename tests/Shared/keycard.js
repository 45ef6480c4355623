// Starts a real `keycard serve` for the JavaScript suites (tests/interop-js, tests/e2e): their one "start a keycard
// process" helper, as tests/Shared/KeycardProcess.cs is for the .NET suites. Node built-ins only, so each suite
// imports it by path. The server listens on a free 127.0.0.1 port with a throwaway SQLite file and is stopped by its
// own process id.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const startTimeoutMs = 30_000;
const stopTimeoutMs = 5_000;

/**
 * KEYCARD_BIN, else the build of KEYCARD_CONFIGURATION (default: Release, what CI builds, then Debug).
 * With `build`, runs `dotnet build` of the server first (a no-op when it is up to date).
 */
export function findKeycardBinary({ build = false } = {}) {
  if (process.env.KEYCARD_BIN) {
    if (!existsSync(process.env.KEYCARD_BIN)) throw new Error(`KEYCARD_BIN=${process.env.KEYCARD_BIN} does not exist`);
    return process.env.KEYCARD_BIN;
  }
  const configurations = process.env.KEYCARD_CONFIGURATION ? [process.env.KEYCARD_CONFIGURATION] : ['Release', 'Debug'];
  if (build) {
    execFileSync('dotnet', ['build', join(repoRoot, 'src/Keycard.Server/Keycard.Server.csproj'), '-c', configurations[0], '--nologo', '-v', 'q'], { stdio: 'inherit' });
  }
  for (const configuration of configurations) {
    const candidate = join(repoRoot, 'src/Keycard.Server/bin', configuration, 'net10.0', process.platform === 'win32' ? 'keycard.exe' : 'keycard');
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error('No keycard binary: run `dotnet build Keycard.slnx -c Release` first, or set KEYCARD_BIN');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts `keycard serve` and resolves once /healthz answers.
 * - `prepare({ cli, baseUrl, database })` runs before the server starts: `cli(args, input)` runs a keycard command on
 *   the same database (secrets and passwords on standard input) and returns its standard output.
 * - `args`: extra `serve` arguments (e.g. ['--demo']); `settings`: host configuration passed as `--Key=value`.
 * - `build`: build the server first (see findKeycardBinary).
 */
export async function startKeycard({ args = [], settings = {}, build = false, prepare } = {}) {
  const binary = findKeycardBinary({ build });
  const folder = mkdtempSync(join(tmpdir(), 'keycard-js-'));
  const database = join(folder, 'keycard.db');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
  delete env.KEYCARD_DATABASE;
  const cli = (cliArgs, input) =>
    execFileSync(binary, [...cliArgs, '--database', database], { cwd: folder, env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await prepare?.({ cli, baseUrl, database });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  const child = spawn(binary, [
    'serve', ...args, '--urls', baseUrl, '--database', database,
    ...Object.entries(settings).map(([key, value]) => `--${key}=${value}`),
  ], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const server = {
    baseUrl,
    pid: child.pid,
    cli,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const stopped = await Promise.race([exited, delay(stopTimeoutMs).then(() => null)]);
        if (stopped === null) {
          process.kill(child.pid, 'SIGKILL');
          await exited;
        }
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await server.stop();
      throw new Error(`keycard exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`keycard did not answer /healthz within ${startTimeoutMs} ms:\n${output}`);
    }
    await delay(100);
  }
}

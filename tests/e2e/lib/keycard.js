// Starts a real `keycard serve --demo` on a free loopback port and a throwaway SQLite file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const startTimeoutMs = 30_000;
const stopTimeoutMs = 5_000;

export const demoUser = { userName: 'demo', password: 'keycard-demo', email: 'demo@example.com', name: 'Demo User' };
export const demoClientId = 'demo-app';

/** KEYCARD_BIN, else the Release build (what CI builds), else the Debug build. */
export function findKeycardBinary() {
  if (process.env.KEYCARD_BIN) {
    if (!existsSync(process.env.KEYCARD_BIN)) throw new Error(`KEYCARD_BIN=${process.env.KEYCARD_BIN} does not exist`);
    return process.env.KEYCARD_BIN;
  }
  for (const configuration of ['Release', 'Debug']) {
    const candidate = join(repoRoot, 'src/Keycard.Server/bin', configuration, 'net10.0/keycard');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('No keycard binary: run `dotnet build Keycard.slnx -c Release` first, or set KEYCARD_BIN');
}

function freePort() {
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

/**
 * Starts Keycard and resolves once /healthz answers. `settings` are host configuration passed through
 * as `--Key=value` (e.g. { 'Keycard:AccessTokenLifetime': '00:00:05' }).
 */
export async function startKeycard(settings = {}) {
  const binary = findKeycardBinary();
  const folder = mkdtempSync(join(tmpdir(), 'keycard-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [
    'serve', '--demo', '--urls', baseUrl, '--database', join(folder, 'keycard.db'),
    ...Object.entries(settings).map(([key, value]) => `--${key}=${value}`),
  ];
  const child = spawn(binary, args, {
    cwd: folder,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const server = {
    baseUrl,
    pid: child.pid,
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

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

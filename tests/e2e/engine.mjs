// Starts the built gateway (Release) as a child process on a free port with its own SQLite store and keys.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
// The SDK tests send as a backend would: a server write key (full identity resolution).
export const WRITE_KEY = 'e2e-write-key-website-0123456789';
// The demo store's key is a browser key (public, in the page): person identifiers need proof (issue 20).
export const STORE_KEY = 'e2e-write-key-store-0123456789';
export const STORE_SECRET = 'e2e-store-verification-secret-0123456789';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export async function eventually(check, { timeout = 20000, interval = 100, what = 'condition' } = {}) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) { last = e; }
    await new Promise(r => setTimeout(r, interval));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

export async function startEngine(extraEnv = {}) {
  const dll = join(root, 'src', 'PersonalizationEngine.Gateway', 'bin', 'Release', 'net10.0', 'PersonalizationEngine.Gateway.dll');
  if (!existsSync(dll)) throw new Error(`${dll} not found: build the solution in Release first (bash tests/run.sh does).`);
  const dir = mkdtempSync(join(tmpdir(), 'pe-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn('dotnet', [dll], {
    cwd: dirname(dll),
    env: {
      ...process.env,
      ASPNETCORE_URLS: base,
      ASPNETCORE_ENVIRONMENT: 'Production',
      Auth__AdminKey: ADMIN_KEY,
      Auth__WriteKeys__website__Key: WRITE_KEY,
      Auth__WriteKeys__website__Trust: 'server',
      Auth__WriteKeys__store__Key: STORE_KEY,
      Auth__WriteKeys__store__Trust: 'browser',
      Auth__WriteKeys__store__VerificationSecret: STORE_SECRET,
      Storage__Provider: 'Sqlite',
      Storage__Sqlite__Path: join(dir, 'engine.db'),
      Demo__Enabled: 'true',
      Demo__WriteKey: STORE_KEY,
      Decisioning__ControlShare: '0',
      Logging__LogLevel__Default: 'Warning',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  await eventually(async () => (await fetch(base + '/health/ready')).ok, { timeout: 60000, what: 'engine ready' })
    .catch(e => { child.kill('SIGKILL'); throw new Error(e.message + '\n' + log); });
  async function api(path, { method = 'GET', body, key = ADMIN_KEY } = {}) {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  return {
    base,
    api,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise(r => { child.once('exit', r); setTimeout(r, 10000); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

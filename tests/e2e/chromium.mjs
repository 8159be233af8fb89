// Debian's Chromium driven by playwright-core, as every browser test here starts it: headless, a fresh profile
// directory, and the flags without which Chromium stalls on the closed network of the build machines.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const artifacts = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

function chromiumPath() {
  if (process.env.PE_TEST_CHROMIUM) return process.env.PE_TEST_CHROMIUM;
  return execFileSync('which', ['chromium']).toString().trim();
}

/** A persistent browser context on a fresh profile; `close()` ends it and removes the profile. */
export async function launchChromium({ prefix = 'pe-chromium-', viewport = { width: 1280, height: 860 } } = {}) {
  mkdirSync(artifacts, { recursive: true });
  const profileDir = mkdtempSync(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

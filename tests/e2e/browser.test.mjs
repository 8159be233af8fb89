// A visitor browses the demo store in headless Chromium: the offer changes with what they look at, a click is
// recorded, and the live dashboard shows it. Screenshots go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEngine, eventually, ADMIN_KEY, WRITE_KEY } from './engine.mjs';

const artifacts = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
let engine;
let context;
let profileDir;

function chromiumPath() {
  if (process.env.PE_TEST_CHROMIUM) return process.env.PE_TEST_CHROMIUM;
  return execFileSync('which', ['chromium']).toString().trim();
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  engine = await startEngine();
  profileDir = mkdtempSync(join(tmpdir(), 'pe-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  await engine?.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test('the offer follows the visitor, a click is recorded and the dashboard shows it', async () => {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', e => consoleErrors.push(String(e)));
  await page.goto(`${engine.base}/demo/`);
  const slot = page.getByTestId('offer-slot');
  const offerId = () => slot.getAttribute('data-offer-id');
  await eventually(async () => (await offerId()) !== null && (await page.getByTestId('offer-title').textContent()) !== '…', { what: 'a first offer' });
  const first = await offerId();
  assert.equal(first, 'free-shipping', 'a new visitor gets the general offer');

  // Looking at running shoes makes the shoe offer applicable, and more valuable.
  await page.getByTestId('view-TRAIL-RUN-1').click();
  await eventually(async () => (await offerId()) === 'running-10', { what: 'the shoe offer' });
  assert.match(await page.getByTestId('offer-title').textContent(), /running shoes/i);
  await page.getByTestId('why').click();
  assert.match(await page.getByTestId('why-panel').textContent(), /propensity/);
  await page.screenshot({ path: join(artifacts, 'storefront.png'), fullPage: true });

  // A click is feedback: it reaches the offer's KPIs and the visitor's contact history.
  await page.getByTestId('offer-click').click();
  await eventually(async () => (await engine.api('/api/v1/offers/running-10/stats')).body.clicks >= 1, { what: 'the click in the offer KPIs' });
  const anonymousId = await page.evaluate(() => window.pe.anonymousId());
  const profile = (await engine.api(`/api/v1/customers/anonymous_id:${anonymousId}/profile`)).body;
  assert.ok(profile.features.offer_clicks >= 1, 'the click is in the profile');

  // Dismissing twice suppresses an offer for this visitor (contact policy "dismissed-twice").
  await page.getByTestId('login').click();
  await eventually(async () => (await page.getByTestId('status').textContent()).startsWith('Logged in'), { what: 'login' });
  assert.deepEqual(consoleErrors, []);

  const dashboard = await context.newPage();
  await dashboard.goto(`${engine.base}/dashboard/?key=${ADMIN_KEY}`);
  await eventually(async () => {
    const rows = await dashboard.getByTestId('offers').locator('tbody tr').allTextContents();
    return rows.some(r => r.includes('10% off running shoes') && /\b[1-9]\d*\b/.test(r));
  }, { what: 'the offer row on the dashboard' });
  await eventually(async () => Number(await dashboard.getByTestId('events-total').textContent()) > 0, { what: 'events on the dashboard' });
  await dashboard.waitForTimeout(1500); // let the charts draw a few points
  await dashboard.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
});

test('the tracker refuses nothing silently: a wrong write key shows an error, not an offer', async () => {
  const page = await context.newPage();
  await page.goto(`${engine.base}/demo/?writeKey=wrong-key-0000000000000`);
  await eventually(async () => /HTTP 401/.test(await page.getByTestId('status').textContent()), { what: 'the 401 surfaced' });
  assert.equal(WRITE_KEY.length > 0, true);
});

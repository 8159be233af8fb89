// A visitor browses the demo store in headless Chromium: the offer changes with what they look at, a click is
// recorded, and the live dashboard shows it. Screenshots go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, artifacts } from './chromium.mjs';
import { startEngine, eventually, ADMIN_KEY, WRITE_KEY, STORE_KEY } from './engine.mjs';

let engine;
let browser;
let context;

before(async () => {
  engine = await startEngine();
  browser = await launchChromium({ prefix: 'pe-chromium-', viewport: { width: 1280, height: 860 } });
  context = browser.context;
});

after(async () => {
  await browser?.close();
  await engine?.stop();
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

  // Looking at running shoes makes the shoe offer applicable, and more valuable. The engine explores (Thompson
  // sampling: both offers are new to it), so the slot may show free shipping for a view or two first.
  await page.getByTestId('view-TRAIL-RUN-1').click();
  await eventually(async () => {
    if ((await offerId()) === 'running-10') return true;
    await page.getByTestId('view-TRAIL-RUN-1').click();
    await page.waitForTimeout(200);
    return (await offerId()) === 'running-10';
  }, { what: 'the shoe offer' });
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

  // "No thanks" takes the offer out of the slot at once, and it stays out (contact policy "no-thanks").
  const dismissed = await offerId();
  assert.ok(dismissed, 'an offer to dismiss');
  await page.getByTestId('offer-dismiss').click();
  await eventually(async () => (await page.getByTestId('status').textContent()).startsWith('Dismissed'), { what: 'the dismissal' });
  await eventually(async () => (await slot.getAttribute('data-decision-id')) !== null && (await offerId()) !== dismissed, { what: 'another offer in the slot' });
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('view-TRAIL-RUN-1').click();
    await page.waitForTimeout(150);
    assert.notEqual(await offerId(), dismissed, 'a dismissed offer does not come back');
  }

  // Buying camping gear: the camping bundle was applicable before, and is not right after the purchase.
  const anonymousRef = `anonymous_id:${anonymousId}`;
  const campingRule = async () => {
    const nbo = (await engine.api(`/api/v1/customers/${anonymousRef}/next-best-offer?channel=web&placement=home&limit=5&explain=true`)).body;
    return nbo.trace.find(t => t.offerId === 'camping-bundle' && t.stage === 'applicability');
  };
  await page.getByTestId('add-TENT-2P').click();
  await eventually(async () => (await campingRule())?.passed === true, { what: 'the camping bundle applicable after adding a tent' });
  await page.getByTestId('checkout').click();
  await eventually(async () => (await campingRule())?.passed === false, { what: 'the camping bundle not applicable right after buying the tent' });

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

async function serverSegment(path, body) {
  const res = await fetch(engine.base + path, {
    method: 'POST',
    headers: { Authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64'), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function profileId(ref) {
  const r = await engine.api(`/api/v1/customers/${encodeURIComponent(ref)}/profile`);
  return r.status === 200 ? r.body.profileId : null;
}

test('issue 20: a verified login in the store links the visitor; a spoofed identify from the page does not', async () => {
  // A returning customer the store's backend already knows (two orders, so "Welcome back" is eligible).
  await serverSegment('/v1/batch', { batch: [
    { type: 'identify', userId: 'u-alexexamplecom', traits: { firstName: 'Alex' } },
    { type: 'track', userId: 'u-alexexamplecom', event: 'Order Completed', properties: { order_id: 'e2e-o1', revenue: 40, currency: 'GBP' } },
    { type: 'track', userId: 'u-alexexamplecom', event: 'Order Completed', properties: { order_id: 'e2e-o2', revenue: 60, currency: 'GBP' } },
  ] });
  await serverSegment('/v1/batch', { batch: [
    { type: 'track', userId: 'victim-e2e', event: 'Order Completed', properties: { order_id: 'e2e-v1', revenue: 99, currency: 'GBP' } },
  ] });
  const victim = await profileId('user_id:victim-e2e');
  assert.ok(victim);

  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(String(e)));
  // A fresh visitor (no cookies from the first test).
  await page.context().clearCookies();
  await page.goto(`${engine.base}/demo/`);
  assert.equal(await page.evaluate(() => window.PE_DEMO.writeKey), STORE_KEY, 'the store runs on its browser key');
  await eventually(async () => (await page.getByTestId('offer-slot').getAttribute('data-offer-id')) !== null, { what: 'a first offer' });
  const anonymousId = await page.evaluate(() => window.pe.anonymousId());

  // The attacker's move, from the page's console: identify as somebody else with the public key.
  const spoof = await page.evaluate(async (key) => {
    const res = await fetch('/v1/identify', { method: 'POST', headers: { Authorization: 'Basic ' + btoa(key + ':'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ anonymousId: window.pe.anonymousId(), userId: 'victim-e2e' }) });
    return { status: res.status, body: await res.json() };
  }, STORE_KEY);
  assert.equal(spoof.status, 200);
  assert.equal(spoof.body.results[0].droppedIdentifiers[0].type, 'user_id');
  assert.notEqual(await profileId(`anonymous_id:${anonymousId}`), victim, 'no merge into the victim');
  const probe = await page.evaluate(async (key) => {
    const res = await fetch('/t/v1/offers?userId=victim-e2e&placement=home&limit=5', { headers: { Authorization: 'Basic ' + btoa(key + ':') } });
    return (await res.json()).offers.map(o => o.offerId);
  }, STORE_KEY);
  assert.ok(!probe.includes('welcome-back'), 'probing a user id reveals nothing');

  // The real login: the store's backend stand-in returns the user id with its hash; the tracker passes it on.
  await page.getByTestId('email').fill('alex@example.com');
  await page.getByTestId('login').click();
  await eventually(async () => (await page.getByTestId('status').textContent()) === 'Logged in as alex@example.com (verified)', { what: 'verified login' });
  const alex = await eventually(async () => {
    const [byUser, byCookie, byEmail] = await Promise.all([profileId('user_id:u-alexexamplecom'), profileId(`anonymous_id:${anonymousId}`), profileId('email:alex@example.com')]);
    return byUser && byUser === byCookie && byUser === byEmail ? byUser : null;
  }, { what: 'the visitor linked to the customer by user id and e-mail' });
  assert.notEqual(alex, victim);
  // Personalised as the returning customer now.
  // The engine explores (free shipping stays eligible), so the slot is asked again until a returning-customer offer shows.
  const returning = async () => ['welcome-back', 'premium-membership'].includes(await page.getByTestId('offer-slot').getAttribute('data-offer-id'));
  await eventually(async () => {
    if (await returning()) return true;
    await page.getByTestId('view-RAIN-JKT').click();
    await page.waitForTimeout(200);
    return returning();
  }, { what: 'a returning-customer offer' });
  await page.screenshot({ path: join(artifacts, 'verified-login.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

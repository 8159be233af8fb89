// Issue 19: the console pages in headless Chromium with seeded data, checked as a person would check them: the
// timeline shows the seeded events in order, an offer's uplift and its interval appear, segments link to their
// members, operations keep their history over a reload, and the customer's privacy page changes a consent that the
// next decision respects, downloads the export, erases after confirmation and refuses a tampered or expired token and
// another customer's data.
// Screenshots go to tests/e2e/artifacts/console-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, artifacts } from './chromium.mjs';
import { startEngine, eventually, ADMIN_KEY, WRITE_KEY } from './engine.mjs';

let engine;
let browser;
let queryKey;
/** A customer of the experiment who was not held out: their decision, shown an offer (the impression is sent). */
let treated;
/** A privacy link issued at the start with the shortest lifetime (30 s): expired by the time the privacy test runs. */
let expiring;
const shots = name => join(artifacts, `console-${name}.png`);

/** Native events from the site's backend (a server write key), applied before the call returns: the console's global
 * figures (experiment counters, offer stats, segment sizes) move only once events are applied, not when acknowledged. */
async function send(events) {
  const r = await engine.api('/api/v1/events?wait=applied', { method: 'POST', key: WRITE_KEY, body: events });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const ago = minutes => new Date(Date.now() - minutes * 60000).toISOString();

async function nbo(ref, key = ADMIN_KEY) {
  const r = await engine.api(`/api/v1/customers/${encodeURIComponent(ref)}/next-best-offer?channel=web&placement=home&limit=3`, { key });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  // Half the customers are held out as the control group; the console samples its history every second.
  engine = await startEngine({ Decisioning__ControlShare: '0.5', Console__SampleInterval: '00:00:01' });
  browser = await launchChromium({ prefix: 'pe-console-', viewport: { width: 1366, height: 900 } });
  const key = await engine.api('/api/v1/keys', { method: 'POST', body: { name: 'marketing console', scopes: ['query'] } });
  assert.equal(key.status, 201);
  queryKey = key.body.key;

  // Ann: an anonymous visit, then a login that links her cookie to her e-mail and user id, across four channels.
  await send([
    { eventId: 'ann-1', identifiers: { anonymous_id: 'ann-cookie' }, channel: 'web', type: 'page_view', timestamp: ago(50) },
    { eventId: 'ann-2', identifiers: { anonymous_id: 'ann-cookie' }, channel: 'web', type: 'product_view', timestamp: ago(45), properties: { category: 'shoes', price: 89 } },
  ]);
  await send([{ eventId: 'ann-3', identifiers: { email: 'Ann@Example.com', user_id: 'ann-42' }, channel: 'crm', type: 'profile_update', timestamp: ago(40), properties: { first_name: 'Ann', city: 'York' } }]);
  await send([
    { eventId: 'ann-4', identifiers: { anonymous_id: 'ann-cookie', user_id: 'ann-42' }, channel: 'app', type: 'login', timestamp: ago(30) },
    { eventId: 'ann-5', identifiers: { user_id: 'ann-42' }, channel: 'store', type: 'purchase', timestamp: ago(20), properties: { amount: 120, currency: 'GBP' } },
    { eventId: 'ann-6', identifiers: { user_id: 'ann-42' }, channel: 'email', type: 'email_open', timestamp: ago(10) },
  ]);

  const short = await engine.api('/api/v1/customers/user_id:ann-42/privacy-token', { method: 'POST', key: queryKey, body: { ttlSeconds: 30 } });
  assert.equal(short.status, 201);
  expiring = short.body;

  // An experiment with enough customers to read: treatment customers convert more often than the control group.
  for (let i = 0; i < 60; i++) {
    const user = `exp-${i}`;
    await send([{ eventId: `${user}-v`, identifiers: { user_id: user }, channel: 'web', type: 'page_view', timestamp: ago(5) }]);
    const d = await nbo(`user_id:${user}`);
    const converts = d.control ? i % 10 === 0 : i % 2 === 0;
    if (!d.control && d.offers.length) {
      treated ??= { user, decisionId: d.decisionId, offerId: d.offers[0].offerId };
      await send([{ eventId: `${user}-i`, identifiers: { user_id: user }, channel: 'web', type: 'offer_impression', timestamp: new Date().toISOString(), properties: { offerId: d.offers[0].offerId, decisionId: d.decisionId } }]);
    }
    if (converts) await send([{ eventId: `${user}-p`, identifiers: { user_id: user }, channel: 'web', type: 'purchase', timestamp: new Date().toISOString(), properties: { amount: 40, currency: 'GBP' } }]);
  }
  assert.ok(treated, 'some customers are not in the control group');
  await eventually(async () => {
    const x = (await engine.api('/api/v1/offers/free-shipping/experiment')).body;
    return x.kpi.upliftVsControl && x.control.decisions > 0 && x.series.length >= 1;
  }, { what: 'the experiment counters and a first history point' });
});

after(async () => {
  await browser?.close();
  await engine?.stop();
});

async function open(path, key = queryKey) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`${engine.base}/console/${path}${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}`);
  return { page, errors };
}

test('Customer 360 shows the timeline in order, the identity graph masked, decisions with outcomes, and personal data only to admin', async () => {
  const { page, errors } = await open('customer.html?ref=email:ann@example.com');
  await page.getByTestId('profile-id').filter({ hasText: /\w{8}/ }).waitFor();
  assert.doesNotMatch(page.url(), /key=/, 'the key leaves the address bar');

  const timeline = page.getByTestId('timeline');
  await timeline.locator('tbody tr[data-event-id]').first().waitFor();
  const ids = await timeline.locator('tbody tr[data-event-id]').evaluateAll(rows => rows.map(r => r.getAttribute('data-event-id')));
  const seeded = ['ann-6', 'ann-5', 'ann-4', 'ann-3', 'ann-2', 'ann-1'];
  assert.deepEqual(ids.filter(id => seeded.includes(id)), seeded, 'the seeded events, newest first');
  const rows = await timeline.locator('tbody tr').allTextContents();
  assert.match(rows.find(r => r.includes('purchase')), /store.*amount: 120/s);
  assert.match(rows.find(r => r.includes('profile_update')), /attributes: city, first_name/);
  assert.match(await page.getByTestId('timeline-page').textContent(), /of \d+ held/);

  const identity = page.getByTestId('identity');
  await identity.getByText('a***@example.com').first().waitFor();
  assert.match(await identity.textContent(), /crm/, 'the source that linked the e-mail');
  assert.equal(await page.getByTestId('identity-graph').locator('circle').count() >= 4, true, 'profile and three identifiers');
  assert.match(await page.getByTestId('changes').textContent(), /merged in|No merges/);
  assert.match(await page.getByTestId('attributes').textContent(), /first_name\s*Ann\s*crm/);
  await page.getByTestId('segments').locator('tbody tr').first().waitFor();
  assert.match(await page.getByTestId('churn').textContent(), /%\s*(low|medium|high)/, 'churn risk with its band');

  // Everything on the page so far is masked; the query key may not reveal identifiers.
  assert.doesNotMatch(await page.locator('body').textContent(), /ann@example\.com/i);
  await page.getByTestId('reveal').click();
  await page.getByTestId('reveal-msg').filter({ hasText: /admin only/ }).waitFor();
  assert.doesNotMatch(await page.locator('body').textContent(), /ann@example\.com/i);
  await page.screenshot({ path: shots('customer'), fullPage: true });

  // A customer of the experiment clicks the offer they were shown: the decision, its score breakdown and the outcomes.
  await send([{ eventId: `${treated.user}-c`, identifiers: { user_id: treated.user }, channel: 'web', type: 'offer_click', timestamp: new Date().toISOString(), properties: { offerId: treated.offerId, decisionId: treated.decisionId } }]);
  const other = await open(`customer.html?ref=user_id:${treated.user}`);
  const decision = other.page.locator(`[data-decision-id="${treated.decisionId}"]`);
  await decision.waitFor();
  const outcomes = await decision.getByTestId('outcomes').first().textContent();
  assert.match(outcomes, /impression/);
  assert.match(outcomes, /click/);
  assert.match(await decision.textContent(), new RegExp(`${treated.offerId}\\s*\\d`), 'the offer with its score');
  assert.match(await decision.locator('thead').textContent(), /propensity.*context.*value.*lever/);
  await other.page.screenshot({ path: shots('customer-decisions'), fullPage: true });

  const admin = await open('customer.html?ref=user_id:ann-42', ADMIN_KEY);
  await admin.page.getByTestId('reveal').click();
  await admin.page.getByTestId('clear-identifiers').filter({ hasText: 'ann@example.com' }).waitFor();
  assert.deepEqual([...errors, ...other.errors, ...admin.errors], []);
});

test('Offers and experiments show CTR and CVR with intervals, the uplift against control with its interval, and charts', async () => {
  const { page, errors } = await open('offers.html?offer=free-shipping');
  const row = page.locator('tr[data-offer-id="free-shipping"]');
  await row.getByTestId('uplift-interval').waitFor();
  const x = (await engine.api('/api/v1/offers/free-shipping/experiment', { key: queryKey })).body;
  const u = x.kpi.upliftVsControl;
  const pp = v => (v * 100).toFixed(2) + ' pp';
  assert.equal(await row.getByTestId('uplift-interval').textContent(), `${pp(u.low)} to ${pp(u.high)}`);
  assert.match(await row.getByTestId('uplift').textContent(), new RegExp(pp(u.difference).replace('.', '\\.')));
  const verdict = { better: 'better than control', worse: 'worse than control', 'not-significant': 'not yet significant' }[x.verdict];
  assert.equal(await row.getByTestId('verdict').textContent(), verdict);
  assert.match(await row.textContent(), /%.*–.*%/s, 'CTR and CVR intervals');
  // The exploration share comes from the offer's stats (the bandit's learning read-out); it moves as decisions are made.
  const stats = (await engine.api('/api/v1/offers/free-shipping/stats', { key: queryKey })).body;
  assert.equal(typeof stats.explorationShare, 'number', 'the offer stats carry explorationShare');
  assert.match(await row.getByTestId('exploration').textContent(), /^\d+\.\d%$/);
  assert.match(await page.getByTestId('uplift-text').textContent(), /control CVR/);
  await page.getByTestId('uplift-chart').locator('circle').waitFor();
  await eventually(async () => Number(await page.getByTestId('counts-chart').locator('svg').getAttribute('data-points')) > 0 || (await page.reload(), false), { what: 'points in the counts chart' });
  assert.match(await page.getByTestId('counts-chart').textContent(), /count per 1 s/);
  await page.screenshot({ path: shots('offers'), fullPage: true });

  // A significant read-out is not claimed where there is none: an offer nobody saw says so.
  const camping = page.locator('tr[data-offer-id="camping-bundle"]');
  assert.match(await camping.getByTestId('verdict').textContent(), /no data yet|not yet significant/);
  assert.deepEqual(errors, []);
});

test('Segments show sizes over time, entries per hour and members linking to Customer 360', async () => {
  const created = await engine.api('/api/v1/segments', { method: 'POST', body: { id: 'shoe_fans', name: 'Shoe fans', condition: { feature: 'category_affinity.shoes', op: '>', value: 0 } } });
  assert.equal(created.status, 201);
  await new Promise(r => setTimeout(r, 1500)); // a sample before anyone enters
  await send([{ eventId: 'sf-1', identifiers: { user_id: 'shoe-fan-1' }, channel: 'web', type: 'product_view', timestamp: ago(1), properties: { category: 'shoes', price: 50 } }]);
  const member = (await engine.api('/api/v1/customers/user_id:shoe-fan-1/profile')).body.profileId;
  await eventually(async () => (await engine.api('/api/v1/segments/shoe_fans/history')).body.perHour.some(h => h.entered > 0), { what: 'an entry sampled' });

  const { page, errors } = await open('segments.html?id=shoe_fans');
  await page.getByTestId('sample').locator(`a:has-text("${member}")`).waitFor();
  assert.ok(Number(await page.getByTestId('size-chart').locator('svg').getAttribute('data-points')) >= 2);
  assert.ok(Number(await page.getByTestId('flow-chart').locator('svg').getAttribute('data-bars')) >= 1);
  assert.match(await page.getByTestId('size-chart').textContent(), /members/);
  await page.screenshot({ path: shots('segments'), fullPage: true });
  await page.getByTestId('sample').locator(`a:has-text("${member}")`).click();
  await page.waitForURL(/customer\.html\?ref=/);
  await page.getByTestId('profile-id').filter({ hasText: member }).waitFor();
  assert.deepEqual(errors, []);
});

test('Operations keep the last hour on the server: a reload shows the history, and the node with its grains', async () => {
  // Nodes and grains come from an admin route: a query key sees the charts and is told so.
  const marketing = await open('operations.html');
  await marketing.page.getByTestId('nodes').getByText('need an admin key').waitFor();
  const { page, errors } = await open('operations.html', ADMIN_KEY);
  const points = async () => Number(await page.getByTestId('rate-chart').locator('svg').getAttribute('data-points'));
  await eventually(async () => (await points()) > 4, { what: 'history points' });
  const before = await points();
  await page.getByTestId('nodes').locator('tbody tr').filter({ hasText: 'this node' }).waitFor();
  assert.match(await page.getByTestId('nodes').textContent(), /active/);
  assert.match(await page.getByTestId('nodes').textContent(), /customer: \d/);
  assert.match(await page.getByTestId('lag-chart').textContent(), /ms/);
  await page.screenshot({ path: shots('operations'), fullPage: true });
  await page.reload();
  await eventually(async () => (await points()) >= before, { what: 'the history after a reload' });
  assert.deepEqual([...marketing.errors, ...errors], []);
});

test('The privacy page changes a consent that the next decision respects, exports, refuses tampered, expired and other customers\' tokens, and erases after confirmation', async () => {
  // Pia is not in the control group (so offers are made to her until she withdraws consent).
  let pia;
  for (let n = 0; !pia; n++) {
    assert.ok(n < 40, 'a customer outside the control group');
    await send([{ eventId: `pv-${n}`, identifiers: { user_id: `pia-${n}`, email: `pia${n}@example.com` }, channel: 'web', type: 'product_view', timestamp: ago(3), properties: { category: 'shoes', price: 30 } }]);
    if (!(await nbo(`user_id:pia-${n}`)).control) pia = n;
  }
  const email = `pia${pia}@example.com`;
  // The business's backend asks for a token for its signed-in customer with its query key and links her to the page.
  const issued = await engine.api(`/api/v1/customers/user_id:pia-${pia}/privacy-token`, { method: 'POST', key: queryKey, body: { ttlSeconds: 600 } });
  assert.equal(issued.status, 201);
  const { token, pageUrl, profileId } = issued.body;
  assert.ok((await nbo(`user_id:pia-${pia}`)).offers.length > 0, 'offers before the withdrawal');

  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(engine.base + pageUrl);
  await page.getByTestId('categories').locator('tr[data-category="Identifiers"]').waitFor();
  assert.match(await page.getByTestId('categories').textContent(), /p\*\*\*@example\.com/);
  assert.ok(!(await page.locator('body').textContent()).includes(email), 'masked on screen');

  await page.getByTestId('consent-marketing-web').selectOption('withdrawn');
  await page.getByTestId('saved').filter({ hasText: 'marketing on web is now not allowed' }).waitFor();
  assert.equal(await page.getByTestId('consent-marketing-web').inputValue(), 'withdrawn');
  const next = await nbo(`user_id:pia-${pia}`);
  assert.deepEqual(next.offers, [], 'no marketing offer on the web after the withdrawal');
  assert.ok(next.excluded.length > 0 && next.excluded.every(e => e.rule === 'consent'), 'each offer excluded by the consent rule');
  await page.screenshot({ path: shots('privacy'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(exported.profileId, profileId);
  assert.deepEqual(exported.identifiers.email, [email], 'her own export has her identifiers in clear');

  // Another customer's data through the same token: 403 and nothing of theirs.
  const ann = (await engine.api('/api/v1/customers/user_id:ann-42/profile')).body.profileId;
  const other = await page.evaluate(async ([t, id]) => {
    const r = await fetch(`/api/v1/privacy/${id}/export`, { headers: { Authorization: 'Bearer ' + t } });
    return { status: r.status, body: await r.text() };
  }, [token, ann]);
  assert.equal(other.status, 403);
  assert.doesNotMatch(other.body, /ann|York/i);

  // A tampered token (one character of the signature changed) is refused, and the page shows nothing held.
  const dot = token.lastIndexOf('.');
  const tampered = token.slice(0, dot + 1) + (token[dot + 1] === 'A' ? 'B' : 'A') + token.slice(dot + 2);
  const bad = await browser.context.newPage();
  await bad.goto(`${engine.base}/console/privacy.html#token=${tampered}`);
  await bad.getByTestId('message').filter({ hasText: 'not valid' }).waitFor();
  assert.equal(await bad.getByTestId('privacy').isVisible(), false);
  assert.equal(await bad.getByTestId('categories').locator('tbody tr').count(), 0);
  await bad.screenshot({ path: shots('privacy-refused'), fullPage: true });

  // The link issued at the start has expired (30 s): the page says so and shows nothing held.
  const late = await browser.context.newPage();
  await late.goto(engine.base + expiring.pageUrl);
  await eventually(async () => {
    if (/has expired/.test(await late.getByTestId('message').textContent())) return true;
    await late.reload();
    return false;
  }, { timeout: 45000, interval: 2000, what: 'the 30-second link to expire' });
  assert.equal(await late.getByTestId('categories').locator('tbody tr').count(), 0);
  assert.ok(!(await late.locator('body').textContent()).includes('York'));

  // Erasure asks first; keeping the data keeps it.
  await page.getByTestId('erase').click();
  await page.getByTestId('confirm').getByText('cannot be undone').waitFor();
  await page.getByText('Keep my data').click();
  assert.equal((await engine.api(`/api/v1/customers/user_id:pia-${pia}/profile`)).status, 200);
  await page.getByTestId('erase').click();
  await page.getByTestId('confirm-yes').click();
  await page.getByTestId('message').filter({ hasText: 'has been erased' }).waitFor();
  assert.equal((await engine.api(`/api/v1/customers/user_id:pia-${pia}/profile`)).status, 404);
  assert.deepEqual(errors, []);
});

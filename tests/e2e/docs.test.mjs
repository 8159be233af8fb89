// Issue 17 in headless Chromium. A new user on the docs page (/docs, Swagger UI over /openapi/v1.json) authorizes with a
// key, sends an event with "try it out" and reads the profile back; the dashboard says "live" only with a working key
// and keeps its charts across a reload (the history is the server's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, artifacts } from './chromium.mjs';
import { startEngine, ADMIN_KEY } from './engine.mjs';

let engine;
let browser;
let context;

before(async () => {
  engine = await startEngine();
  browser = await launchChromium({ prefix: 'pe-chromium-docs-', viewport: { width: 1280, height: 1000 } });
  context = browser.context;
});

after(async () => {
  await browser?.close();
  await engine?.stop();
});

// Opens an operation, presses "Try it out", lets `fill` set the inputs, executes, and returns the live answer.
async function tryOut(page, operationId, fill) {
  const op = page.locator(`[id$="-${operationId}"]`).first();
  await op.locator('.opblock-summary').first().click();
  await op.locator('button.try-out__btn').click();
  await fill(op);
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 20000 });
  const body = await op.locator('.live-responses-table .response-col_description pre').first().textContent();
  return { status: Number((await status.textContent()).trim()), body };
}

test('the docs page authorizes with a key, sends an event and reads the profile back', async () => {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  await page.goto(engine.base + '/docs/');
  await page.locator('button.authorize').first().click();
  const bearer = page.locator('.auth-container').filter({ hasText: 'Bearer' }).first();
  await bearer.locator('input').first().fill(ADMIN_KEY);
  await bearer.locator('button.authorize').click();
  await page.locator('button.btn-done').first().click();

  const now = new Date().toISOString();
  const event = [{ eventId: 'docs-e1', identifiers: { user_id: 'docs-user', email: 'Docs.User@Example.com' }, channel: 'web', type: 'product_view', timestamp: now, properties: { category: 'shoes', price: 40 } }];
  const sent = await tryOut(page, 'IngestEvents', async op => {
    const body = op.locator('textarea.body-param__text');
    assert.match(await body.inputValue(), /eventId/, 'the request body starts from the documented example');
    await body.fill(JSON.stringify(event));
  });
  assert.equal(sent.status, 200, sent.body);
  assert.match(sent.body, /"accepted": 1/);

  const read = await tryOut(page, 'GetProfile', async op => {
    await op.locator('tr[data-param-name="ref"] input').fill('email:docs.user@example.com');
  });
  await page.screenshot({ path: join(artifacts, 'docs-profile.png'), fullPage: false });
  assert.equal(read.status, 200, read.body);
  const profile = JSON.parse(read.body);
  assert.equal(profile.eventCount, 1);
  assert.equal(profile.identifiers.user_id.length, 1); // masked, as personal identifiers are on the profile route
  assert.ok(profile.profileId);
  assert.deepEqual(consoleErrors, []);
  await page.close();
});

test('the dashboard is live only with a working key, and its charts keep history across a reload', async () => {
  const page = await context.newPage();
  await page.goto(`${engine.base}/dashboard/`);
  assert.equal(await page.getByTestId('live').textContent(), 'not live', 'no key: not live');
  await page.goto(`${engine.base}/dashboard/?key=wrong-key-000000000000000`);
  await page.waitForFunction(() => /rejected/.test(document.getElementById('state').textContent));
  assert.equal(await page.getByTestId('live').textContent(), 'not live', 'a rejected key: not live');

  await page.goto(`${engine.base}/dashboard/?key=${ADMIN_KEY}`);
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
  await page.waitForFunction(() => Number(document.getElementById('rate').getAttribute('data-points')) >= 3, null, { timeout: 20000 });
  // A reload draws the server's history at once instead of starting empty.
  await page.reload();
  await page.waitForFunction(() => Number(document.getElementById('rate').getAttribute('data-points')) >= 3, null, { timeout: 3000 });
  assert.equal(await page.getByTestId('live').textContent(), 'live');
  await page.close();
});

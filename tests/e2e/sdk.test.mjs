// The real Segment and RudderStack Node SDKs send to the engine by changing only their host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { startEngine, eventually, WRITE_KEY } from './engine.mjs';

let engine;
before(async () => { engine = await startEngine(); });
after(async () => { await engine?.stop(); });

async function profile(ref) {
  const r = await engine.api(`/api/v1/customers/${encodeURIComponent(ref)}/profile`);
  return r.status === 200 ? r.body : null;
}

test('@segment/analytics-node: identify, track, page and alias land in one profile', async () => {
  const analytics = new Analytics({ writeKey: WRITE_KEY, host: engine.base, flushAt: 2, flushInterval: 200 });
  const errors = [];
  analytics.on('error', e => errors.push(e));
  analytics.page({ anonymousId: 'seg-anon-7', name: 'Home', properties: { path: '/' } });
  analytics.track({ anonymousId: 'seg-anon-7', event: 'Product Viewed', properties: { product_id: 'p-1', category: 'shoes', price: 89 } });
  analytics.identify({ userId: 'seg-user-7', traits: { email: 'Sam.Segment@Example.com', firstName: 'Sam', country: 'GB' } });
  analytics.alias({ userId: 'seg-user-7', previousId: 'seg-anon-7' });
  analytics.track({ userId: 'seg-user-7', event: 'Order Completed', properties: { order_id: 'o-1', revenue: 89, currency: 'GBP', products: [{ product_id: 'p-1', price: 89, quantity: 1, category: 'shoes' }] } });
  await analytics.closeAndFlush({ timeout: 20000 });
  assert.deepEqual(errors, []);

  const p = await eventually(async () => { const x = await profile('user_id:seg-user-7'); return x?.eventCount === 5 ? x : null; }, { what: 'five events in the profile' });
  assert.equal(p.attributes.first_name.value, 'Sam');
  assert.equal(p.features.revenue_total, 89);
  assert.ok(p.identifiers.anonymous_id, 'the anonymous id is linked');
  assert.equal((await profile('email:sam.segment@example.com')).profileId, p.profileId);
  assert.equal((await profile('anonymous_id:seg-anon-7')).profileId, p.profileId);
});

test('@rudderstack/rudder-sdk-node (gzip bodies): identify, track, page and alias land in one profile', async () => {
  const client = new RudderAnalytics(WRITE_KEY, { dataPlaneUrl: engine.base, flushAt: 1, flushInterval: 200, logLevel: 'error' });
  const sent = (method, message) => new Promise((resolve, reject) => client[method](message, err => (err ? reject(err) : resolve())));
  await sent('page', { anonymousId: 'rs-anon-3', name: 'Pricing', properties: { path: '/pricing' } });
  await sent('identify', { userId: 'rs-user-3', anonymousId: 'rs-anon-3', traits: { email: 'rudy@example.com', firstName: 'Rudy' } });
  await sent('track', { userId: 'rs-user-3', event: 'Product Added', properties: { product_id: 'p-9', category: 'camping', price: 15 } });
  await sent('alias', { userId: 'rs-user-3', previousId: 'rs-anon-3' });
  await new Promise(r => client.flush(() => r()));

  const p = await eventually(async () => { const x = await profile('user_id:rs-user-3'); return x?.eventCount === 4 ? x : null; }, { what: 'four events in the profile' });
  assert.equal(p.attributes.first_name.value, 'Rudy');
  assert.equal(p.features.cart_items, 1);
  assert.equal((await profile('anonymous_id:rs-anon-3')).profileId, p.profileId);
});

test('a wrong write key is refused with a problem document', async () => {
  const res = await fetch(engine.base + '/v1/batch', {
    method: 'POST',
    headers: { Authorization: 'Basic ' + Buffer.from('not-the-key-0123456789:').toString('base64'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ batch: [{ type: 'track', userId: 'x', event: 'y' }] }),
  });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
});

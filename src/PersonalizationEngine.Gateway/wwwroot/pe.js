/* Personalization Engine tracker: page views, product views, carts, purchases and identify on login, sent in
   Segment's format to /v1/batch; next-best-offer for the visitor from /t/v1/offers; offer feedback.
   No dependencies. Anonymous id in a first-party cookie (pe_aid). */
(function (global) {
  'use strict';
  var cfg = { writeKey: null, host: '', flushMs: 400, maxBatch: 50 };
  var queue = [];
  var timer = null;
  var userId = null;
  var sending = false;
  var backoffUntil = 0;

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === 'x' ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function cookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function anonymousId() {
    var id = cookie('pe_aid');
    if (!id) {
      id = uuid();
      document.cookie = 'pe_aid=' + encodeURIComponent(id) + '; path=/; max-age=31536000; SameSite=Lax';
    }
    return id;
  }
  function auth() { return 'Basic ' + btoa(cfg.writeKey + ':'); }
  function base(type, extra) {
    var m = { type: type, messageId: uuid(), anonymousId: anonymousId(), timestamp: new Date().toISOString(),
      context: { channel: 'browser', page: { path: location.pathname, url: location.href, title: document.title } } };
    if (userId) m.userId = userId;
    for (var k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) m[k] = extra[k];
    return m;
  }
  function enqueue(m) {
    queue.push(m);
    if (queue.length >= cfg.maxBatch) flush();
    else if (!timer) timer = setTimeout(flush, cfg.flushMs);
    return m.messageId;
  }
  function flush(useBeacon) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!queue.length || !cfg.writeKey) return Promise.resolve();
    if (sending && !useBeacon) { timer = setTimeout(flush, cfg.flushMs); return Promise.resolve(); }
    var batch = queue.splice(0, cfg.maxBatch);
    var body = JSON.stringify({ batch: batch, sentAt: new Date().toISOString() });
    if (useBeacon && navigator.sendBeacon) {
      // Beacons cannot carry headers: the write key goes in the body as Segment's libraries also do.
      navigator.sendBeacon(cfg.host + '/v1/batch?writeKey=' + encodeURIComponent(cfg.writeKey), new Blob([body], { type: 'text/plain' }));
      return Promise.resolve();
    }
    var wait = Math.max(0, backoffUntil - Date.now());
    sending = true;
    return new Promise(function (r) { setTimeout(r, wait); }).then(function () {
      return fetch(cfg.host + '/v1/batch', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Authorization': auth() }, body: body, keepalive: true });
    }).then(function (res) {
      sending = false;
      if (res.status === 429 || res.status === 503) {
        var after = parseInt(res.headers.get('Retry-After') || '1', 10);
        backoffUntil = Date.now() + Math.min(60, Math.max(1, after)) * 1000;
        queue = batch.concat(queue); // same messageIds: the engine deduplicates
        timer = setTimeout(flush, cfg.flushMs);
      } else if (queue.length) {
        timer = setTimeout(flush, cfg.flushMs);
      }
      return res;
    }, function () {
      sending = false;
      queue = batch.concat(queue);
      backoffUntil = Date.now() + 2000;
      timer = setTimeout(flush, 2000);
    });
  }

  var pe = {
    init: function (options) {
      for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k)) cfg[k] = options[k];
      userId = cookie('pe_uid');
      global.addEventListener('pagehide', function () { flush(true); });
      return pe;
    },
    anonymousId: anonymousId,
    page: function (name, properties) { return enqueue(base('page', { name: name || document.title, properties: properties || {} })); },
    track: function (event, properties) { return enqueue(base('track', { event: event, properties: properties || {} })); },
    identify: function (id, traits) {
      userId = String(id);
      document.cookie = 'pe_uid=' + encodeURIComponent(userId) + '; path=/; max-age=31536000; SameSite=Lax';
      return enqueue(base('identify', { userId: userId, traits: traits || {} }));
    },
    reset: function () {
      userId = null;
      document.cookie = 'pe_uid=; path=/; max-age=0';
      document.cookie = 'pe_aid=; path=/; max-age=0';
    },
    flush: function () { return flush(false); },
    /* Next best offer for this visitor: events are flushed first so the offer reflects them. */
    offers: function (options) {
      options = options || {};
      return flush(false).then(function () {
        var q = '?anonymousId=' + encodeURIComponent(anonymousId()) + '&channel=web&limit=' + (options.limit || 1);
        if (userId) q += '&userId=' + encodeURIComponent(userId);
        if (options.placement) q += '&placement=' + encodeURIComponent(options.placement);
        return fetch(cfg.host + '/t/v1/offers' + q, { headers: { 'Authorization': auth() } });
      }).then(function (res) {
        if (!res.ok) throw new Error('offers: HTTP ' + res.status);
        return res.json();
      });
    },
    /* kind: impression | click | accept | reject */
    offerFeedback: function (kind, offer, decisionId, placement) {
      return enqueue(base('track', { event: 'offer_' + kind, properties: { decisionId: decisionId, offerId: offer.offerId || offer, placement: placement || null } }));
    }
  };
  global.pe = pe;
})(window);

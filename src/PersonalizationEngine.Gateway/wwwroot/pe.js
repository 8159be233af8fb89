/* Personalization Engine tracker: page views, product views, carts, purchases and identify on login, sent in
   Segment's format to /v1/batch; next-best-offer for the visitor from /t/v1/offers; offer feedback.
   No dependencies. Anonymous id in a first-party cookie (pe_aid).
   Identity verification: the write key is public, so the engine counts a user id (or e-mail, phone...) from the
   browser only with proof from the site's backend: pe.identify(id, traits, { userHash, identityHashes,
   identityToken }) or pe.init({ userId, userHash | identityToken }). userHash = hex HMAC-SHA256(the source's
   verification secret, user id), computed by the backend, never in the page's code; identityToken comes from
   POST /api/v1/identity-tokens. The proof is sent with every message and offer request while the user is
   identified, kept for the tab's session only. */
(function (global) {
  'use strict';
  var cfg = { writeKey: null, host: '', flushMs: 400, maxBatch: 50 };
  var queue = [];
  var timer = null;
  var userId = null;
  var proof = null; // { userHash, identityHashes, identityToken } for userId, from the site's backend
  var sending = false;
  var inflight = Promise.resolve();
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
  function session(name, value) {
    try {
      if (value === undefined) return global.sessionStorage.getItem(name);
      if (value === null) global.sessionStorage.removeItem(name); else global.sessionStorage.setItem(name, value);
    } catch (e) { /* storage blocked: the proof lives in memory only */ }
    return null;
  }
  function setProof(p) {
    proof = p && (p.userHash || p.identityToken || p.identityHashes)
      ? { userHash: p.userHash || undefined, identityHashes: p.identityHashes || undefined, identityToken: p.identityToken || undefined } : null;
    session('pe_proof', proof ? JSON.stringify(proof) : null);
  }
  function base(type, extra) {
    var m = { type: type, messageId: uuid(), anonymousId: anonymousId(), timestamp: new Date().toISOString(),
      context: { channel: 'browser', page: { path: location.pathname, url: location.href, title: document.title } } };
    if (userId) {
      m.userId = userId;
      if (proof) {
        if (proof.userHash) m.context.userHash = proof.userHash;
        if (proof.identityHashes) m.context.identityHashes = proof.identityHashes;
        if (proof.identityToken) m.context.identityToken = proof.identityToken;
      }
    }
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
    // A send in flight: wait for it, then send what is queued, so "flush, then ask for offers" sees every event.
    if (sending && !useBeacon) return inflight.then(function () { return flush(false); });
    var batch = queue.splice(0, cfg.maxBatch);
    var body = JSON.stringify({ batch: batch, sentAt: new Date().toISOString() });
    if (useBeacon && navigator.sendBeacon) {
      // Beacons cannot carry headers: the write key goes in the body as Segment's libraries also do.
      navigator.sendBeacon(cfg.host + '/v1/batch?writeKey=' + encodeURIComponent(cfg.writeKey), new Blob([body], { type: 'text/plain' }));
      return Promise.resolve();
    }
    var wait = Math.max(0, backoffUntil - Date.now());
    sending = true;
    return inflight = new Promise(function (r) { setTimeout(r, wait); }).then(function () {
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

  function setUser(id) {
    userId = String(id);
    document.cookie = 'pe_uid=' + encodeURIComponent(userId) + '; path=/; max-age=31536000; SameSite=Lax';
  }

  var pe = {
    init: function (options) {
      for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k)) cfg[k] = options[k];
      userId = cookie('pe_uid');
      try { proof = JSON.parse(session('pe_proof') || 'null'); } catch (e) { proof = null; }
      if (options && options.userId) { setUser(options.userId); setProof(options); }
      global.addEventListener('pagehide', function () { flush(true); });
      return pe;
    },
    anonymousId: anonymousId,
    page: function (name, properties) { return enqueue(base('page', { name: name || document.title, properties: properties || {} })); },
    track: function (event, properties) { return enqueue(base('track', { event: event, properties: properties || {} })); },
    /* verification: { userHash, identityHashes, identityToken } from the site's backend (see above). */
    identify: function (id, traits, verification) {
      setUser(id);
      setProof(verification || null);
      return enqueue(base('identify', { userId: userId, traits: traits || {} }));
    },
    reset: function () {
      userId = null;
      setProof(null);
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
        var headers = { 'Authorization': auth() };
        if (userId && proof && proof.userHash) headers['X-PE-User-Hash'] = proof.userHash;
        if (userId && proof && proof.identityToken) headers['X-PE-Identity-Token'] = proof.identityToken;
        return fetch(cfg.host + '/t/v1/offers' + q, { headers: headers });
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

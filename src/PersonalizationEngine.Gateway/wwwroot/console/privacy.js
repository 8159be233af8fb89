// The customer's own privacy page (issue 19). The business links here with a short-lived customer token in the
// fragment (#token=…; a fragment reaches no server). The token is sent as a bearer to /api/v1/privacy/{profile}; the
// engine checks it (401 when tampered or expired, 403 for another profile). The page never needs an API key.
(function () {
  'use strict';
  var C = window.PeConsole, h = C.h;
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  // Only to address the routes: the profile id in the token's payload (the engine verifies the signature itself).
  var profileId = (function () {
    try {
      var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part + '==='.slice((part.length + 3) % 4))).sub || null;
    } catch (e) { return null; }
  })();
  var base = '/api/v1/privacy/' + encodeURIComponent(profileId || 'unknown');
  var channelsShown = ['all', 'web', 'app', 'email', 'sms', 'push'];

  function call(path, options) { options = options || {}; options.bearer = token || 'none'; return C.api(base + path, options); }

  function refused(e) {
    C.$('view').classList.add('hidden');
    if (e.status === 401) C.message('msg', /expired/.test(e.message) ? 'This link has expired. Please open your privacy settings again from the site.' : 'This link is not valid. Please open your privacy settings again from the site.', 'err');
    else if (e.status === 403) C.message('msg', 'This link is for someone else\'s data and cannot be used here.', 'err');
    else if (e.status === 404) C.message('msg', 'Nothing is held about you any more.', 'ok');
    else C.message('msg', e.message || String(e), 'err');
  }

  function load() {
    return call('').then(function (o) {
      C.message('msg', null);
      C.$('view').classList.remove('hidden');
      C.fill('categories', o.categories.map(function (c) {
        return h('tr', { 'data-category': c.name }, [h('td', {}, h('b', {}, c.name)), h('td', { class: 'small' }, c.description), h('td', { class: 'num' }, c.items),
          h('td', { class: 'small' }, c.examples.slice(0, 6).map(function (x) { return h('span', { class: 'chip' }, x); }))]);
      }));
      consents(o);
    }).catch(refused);
  }

  function stateOf(o, purpose, channel) {
    var c = o.consents.filter(function (x) { return x.purpose === purpose && (x.channel || 'all') === channel; })[0];
    return c ? (c.granted ? 'granted' : 'withdrawn') : 'not set';
  }

  function consents(o) {
    var channels = channelsShown.concat(o.consents.map(function (c) { return c.channel; }).filter(function (c) { return c && channelsShown.indexOf(c) < 0; }));
    C.fill('consent-head', h('tr', {}, [h('th', {}, 'purpose')].concat(channels.map(function (c) { return h('th', {}, c === 'all' ? 'all channels' : c); }))));
    C.fill('consent-body', o.purposes.map(function (p) {
      return h('tr', { 'data-purpose': p }, [h('td', {}, h('b', {}, p))].concat(channels.map(function (ch) {
        var s = stateOf(o, p, ch);
        var select = h('select', { 'data-testid': 'consent-' + p + '-' + ch, 'aria-label': p + ' on ' + ch, onchange: function () { change(p, ch, select.value); } },
          ['not set', 'granted', 'withdrawn'].map(function (v) { return h('option', { value: v, disabled: v === 'not set' && s !== 'not set' }, v === 'granted' ? 'allowed' : v === 'withdrawn' ? 'not allowed' : '—'); }));
        select.value = s;
        return h('td', {}, select);
      })));
    }));
  }

  function change(purpose, channel, value) {
    if (value === 'not set') return;
    var decision = { purpose: purpose, granted: value === 'granted' };
    if (channel !== 'all') decision.channel = channel;
    call('/consents', { method: 'PUT', body: { consents: [decision] } }).then(function () {
      C.message('saved', 'Saved: ' + purpose + (channel === 'all' ? '' : ' on ' + channel) + ' is now ' + (decision.granted ? 'allowed' : 'not allowed') + '.', 'ok');
      return load();
    }).catch(function (e) { if (e.status === 401 || e.status === 403) refused(e); else C.message('saved', e.message, 'err'); });
  }

  C.$('export').onclick = function () {
    call('/export').then(function (x) {
      var blob = new Blob([JSON.stringify(x, null, 2)], { type: 'application/json' });
      var a = h('a', { href: URL.createObjectURL(blob), download: 'my-data.json' });
      document.body.appendChild(a); a.click(); a.remove();
    }).catch(refused);
  };
  C.$('erase').onclick = function () { C.$('confirm').showModal(); };
  C.$('confirm-no').onclick = function () { C.$('confirm').close(); };
  C.$('confirm-yes').onclick = function () {
    C.$('confirm').close();
    call('?confirm=true', { method: 'DELETE' }).then(function () {
      C.$('view').classList.add('hidden');
      C.message('msg', 'Everything held about you has been erased.', 'ok');
    }).catch(refused);
  };

  if (!token || !profileId) C.message('msg', 'This page opens from the privacy link of the site you use.', 'err');
  else load();
})();

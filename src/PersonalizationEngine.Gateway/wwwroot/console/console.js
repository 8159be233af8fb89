// Shared by the console pages (issue 19): the API key, calls to the public API, and small DOM helpers. No business
// logic: every figure on the pages is what the API answers (intervals and read-outs are computed by the engine).
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var stored = sessionStorage.getItem('pe_key') || '';
  if (params.get('key')) {
    stored = params.get('key');
    sessionStorage.setItem('pe_key', stored);
    // The key leaves the address bar (and so the history and any screenshot of it).
    params.delete('key');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash);
  }
  var key = stored;

  /** Builds an element: h('td', {class: 'num'}, 'text' | node | [..]). Text is always set as text, never as HTML. */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'onclick' || k === 'onchange' || k === 'onsubmit') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    (Array.isArray(children) ? children : [children]).forEach(function (c) {
      if (c === undefined || c === null || c === false) return;
      el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function $(id) { return document.getElementById(id); }
  /** Replaces an element's content with nodes or text (text is set as text). */
  function fill(id, children) {
    var el = clear($(id));
    (Array.isArray(children) ? children : [children]).forEach(function (c) {
      if (c === undefined || c === null || c === false) return;
      el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  /** Calls the API with the key (or the given bearer token); resolves to the JSON body, rejects with status and problem. */
  function api(path, options) {
    options = options || {};
    var headers = { Accept: 'application/json' };
    var bearer = options.bearer || key;
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: options.method || 'GET', headers: headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.text().then(function (t) {
          var body = t ? JSON.parse(t) : null;
          if (!r.ok) {
            var e = new Error((body && (body.detail || body.title)) || ('HTTP ' + r.status));
            e.status = r.status; e.problem = body;
            throw e;
          }
          return body;
        });
      });
  }

  function number(n, digits) {
    if (n === undefined || n === null || isNaN(n)) return '—';
    return Number(n).toLocaleString('en-GB', { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function percent(p, digits) { return p === undefined || p === null ? '—' : (p * 100).toFixed(digits === undefined ? 1 : digits) + '%'; }
  function interval(pair, asPercent) {
    if (!pair || pair.length !== 2) return '—';
    return asPercent ? percent(pair[0]) + ' – ' + percent(pair[1]) : number(pair[0], 4) + ' – ' + number(pair[1], 4);
  }
  function when(t) {
    if (!t) return '—';
    var d = new Date(t);
    return d.toLocaleString('en-GB', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function money(n) { return n === undefined || n === null ? '—' : Number(n).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }

  /** Top bar with the pages, this page marked, and the key form. */
  function chrome(here, needsKey) {
    var pages = [['customer.html', 'Customer 360'], ['offers.html', 'Offers & experiments'], ['segments.html', 'Segments'], ['operations.html', 'Operations']];
    var input = h('input', { id: 'key', type: 'password', placeholder: 'API key (query or admin)', autocomplete: 'off', 'data-testid': 'key' });
    input.value = key;
    var form = h('form', { onsubmit: function (e) { e.preventDefault(); key = input.value.trim(); sessionStorage.setItem('pe_key', key); location.reload(); } },
      [h('span', { class: 'who', id: 'who' }, key ? 'key set' : 'no key'), input, h('button', {}, 'Use key')]);
    var bar = h('header', { class: 'top' }, [
      h('a', { class: 'brand', href: 'index.html', style: 'color:#fff' }, 'Personalization Engine'),
      h('nav', {}, pages.map(function (p) { return h('a', { href: p[0], class: p[0] === here ? 'here' : null }, p[1]); })),
      needsKey === false ? null : form,
    ]);
    document.body.insertBefore(bar, document.body.firstChild);
  }

  function message(id, text, kind) {
    var el = $(id);
    if (!text) { el.className = 'hidden'; el.textContent = ''; return; }
    el.className = 'msg ' + (kind || '');
    el.textContent = text;
  }

  /** A failed call as a person reads it. */
  function explain(e) {
    if (e.status === 401) return 'The key was refused (401): enter a valid API key above.';
    if (e.status === 403) return 'This key may not see this (403): ' + (e.message || 'it lacks the scope.');
    return e.message || String(e);
  }

  window.PeConsole = {
    get key() { return key; }, h: h, clear: clear, $: $, fill: fill, api: api, number: number, percent: percent,
    interval: interval, when: when, money: money, chrome: chrome, message: message, explain: explain, params: params,
  };
})();

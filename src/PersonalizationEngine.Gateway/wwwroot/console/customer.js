// Customer 360 (issue 19): one customer from the public API. Every figure is the API's; nothing is computed here
// except layout (and the page never asks for identifiers in clear unless the person presses the admin button).
(function () {
  'use strict';
  var C = window.PeConsole, h = C.h;
  C.chrome('customer.html');
  var pageSize = 10;
  var state = { id: null, offset: 0, total: 0, features: {} };

  C.$('lookup').onsubmit = function (e) {
    e.preventDefault();
    var ref = C.$('ref').value.trim();
    if (!ref) return;
    history.replaceState(null, '', '?ref=' + encodeURIComponent(ref));
    load(ref);
  };
  C.$('older').onclick = function () { timeline(state.offset + pageSize); };
  C.$('newer').onclick = function () { timeline(Math.max(0, state.offset - pageSize)); };
  C.$('reveal').onclick = reveal;
  C.$('feature-filter').oninput = features;

  function path(id, rest) { return '/api/v1/customers/' + encodeURIComponent(id) + rest; }

  function load(ref) {
    C.message('msg', 'Loading…');
    C.$('view').classList.add('hidden');
    C.api(path(ref, '/profile')).then(function (p) {
      state.id = p.profileId;
      profile(p);
      C.message('msg', null);
      C.$('view').classList.remove('hidden');
      return Promise.all([
        C.api(path(p.profileId, '/identity-graph')).then(graph),
        timeline(0),
        C.api(path(p.profileId, '/activity')).then(activity),
        C.api(path(p.profileId, '/churn-risk')).then(churn, function (e) { C.fill('churn', '—'); C.fill('churn-model', e.status === 503 ? 'no model loaded' : C.explain(e)); }),
      ]);
    }).catch(function (e) {
      C.message('msg', e.status === 404 ? 'No customer is known by “' + ref + '”.' : C.explain(e), 'err');
    });
  }

  function profile(p) {
    C.fill('pid', p.profileId);
    C.fill('lifecycle', p.lifecycle);
    C.fill('events', C.number(p.eventCount, 0));
    C.fill('quality', 'completeness ' + C.percent(p.completeness, 0));
    var names = Object.keys(p.attributes).sort();
    C.fill('attributes', names.length ? names.map(function (n) {
      var a = p.attributes[n];
      return h('tr', {}, [h('td', {}, n), h('td', {}, a.value), h('td', {}, h('span', { class: 'chip' }, a.source)), h('td', { class: 'small' }, C.when(a.updatedAt)), h('td', { class: 'num' }, C.percent(a.confidence, 0))]);
    }) : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No attributes.'))]);
    C.fill('conflicts', p.conflicts === 0 ? 'No conflicting values between sources.'
      : p.conflicts + ' conflicting value' + (p.conflicts === 1 ? '' : 's') + ' between sources, resolved by source weight, then recency (the value shown won).');
    var keys = Object.keys(p.consents).sort();
    C.fill('consents', keys.length ? keys.map(function (k) {
      var c = p.consents[k], i = k.indexOf(':');
      return h('tr', {}, [h('td', {}, i < 0 ? k : k.slice(0, i)), h('td', {}, i < 0 ? 'all channels' : k.slice(i + 1)),
        h('td', {}, h('span', { class: 'chip ' + (c.granted ? 'good' : 'bad') }, c.granted ? 'granted' : 'withdrawn')), h('td', { class: 'small' }, C.when(c.at)), h('td', {}, c.source)]);
    }) : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No consent decisions recorded.'))]);
    state.features = p.features;
    features();
  }

  function features() {
    var filter = C.$('feature-filter').value.trim().toLowerCase();
    var names = Object.keys(state.features).filter(function (n) { return !filter || n.toLowerCase().indexOf(filter) >= 0; }).sort();
    C.fill('features', names.map(function (n) { return h('tr', {}, [h('td', { class: 'mono' }, n), h('td', { class: 'num' }, C.number(state.features[n], 3))]); }));
  }

  function churn(c) {
    var kind = c.band === 'high' ? 'bad' : c.band === 'medium' ? 'warn' : 'good';
    C.fill('churn', [C.percent(c.probability, 0) + ' ', h('span', { class: 'chip ' + kind, 'data-testid': 'churn-band' }, c.band)]);
    C.fill('churn-model', 'model ' + c.modelVersion);
    C.fill('churn-reasons', c.reasons.length ? [h('span', { class: 'muted' }, 'raised by: ')].concat(c.reasons.map(function (r) { return h('span', { class: 'chip', title: 'contribution ' + r.contribution }, r.feature); })) : []);
  }

  var typeColors = { email: '#2f6fdb', user_id: '#1e8e5a', phone: '#8a4fd1', anonymous_id: '#e07b24', device_id: '#b0651d', crm_id: '#0f8b8d', loyalty_id: '#c2413b' };

  /** The identity graph: the profile in the middle, each identifier around it, the line labelled with the source that linked it. */
  function drawGraph(g) {
    var ns = 'http://www.w3.org/2000/svg', w = 560, hgt = 230, cx = w / 2, cy = hgt / 2;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + hgt);
    svg.setAttribute('class', 'chart');
    svg.setAttribute('data-testid', 'identity-graph');
    function el(tag, attrs, text) {
      var e = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e);
      return e;
    }
    var n = g.identifiers.length;
    g.identifiers.forEach(function (node, i) {
      var a = -Math.PI / 2 + 2 * Math.PI * i / Math.max(1, n);
      var x = cx + Math.cos(a) * 200, y = cy + Math.sin(a) * 85;
      el('line', { x1: cx, y1: cy, x2: x, y2: y, stroke: '#c8d0dc' });
      el('text', { x: (cx + x) / 2, y: (cy + y) / 2 - 3, 'text-anchor': 'middle' }, node.source || 'earlier');
      el('circle', { cx: x, cy: y, r: 6, fill: typeColors[node.type] || '#5f6b7d' });
      el('text', { x: x, y: y + 18, 'text-anchor': 'middle', style: 'fill:#1c2330' }, node.type + ': ' + node.value);
    });
    el('circle', { cx: cx, cy: cy, r: 24, fill: '#1c2330' });
    el('text', { x: cx, y: cy + 4, 'text-anchor': 'middle', style: 'fill:#fff;font-weight:600' }, 'profile');
    return svg;
  }

  function graph(g) {
    C.fill('graph', drawGraph(g));
    C.fill('identifiers', g.identifiers.map(function (i) {
      return h('tr', {}, [h('td', {}, i.type), h('td', { class: 'mono' }, i.value), h('td', {}, i.source ? h('span', { class: 'chip' }, i.source) : h('span', { class: 'muted' }, 'before the retained history')),
        h('td', { class: 'small' }, C.when(i.linkedAt)), h('td', { class: 'num' }, i.events)]);
    }));
    var labels = { merged: 'merged in', 'split-off': 'split off (unmerge) to', 'split-from': 'created by an unmerge' };
    C.fill('changes', g.changes.length ? g.changes.map(function (c) {
      return h('div', {}, [h('span', { class: 'chip ' + (c.kind === 'merged' ? 'blue' : 'warn') }, labels[c.kind] || c.kind), ' ',
        c.kind === 'split-from' ? null : h('a', { class: 'mono', href: 'customer.html?ref=' + encodeURIComponent(c.profileId) }, c.profileId), ' ',
        h('span', { class: 'muted' }, c.at ? C.when(c.at) : 'time not retained'), c.events ? h('span', { class: 'muted' }, ' · ' + c.events + ' events moved') : null]);
    }) : [h('span', { class: 'muted' }, 'No merges or unmerges in the retained history.')]);
  }

  function timeline(offset) {
    return C.api(path(state.id, '/timeline?offset=' + offset + '&limit=' + pageSize)).then(function (t) {
      state.offset = offset; state.total = t.total;
      C.fill('timeline', t.events.length ? t.events.map(function (e) {
        var props = Object.keys(e.properties).map(function (k) { return h('span', { class: 'chip' }, k + ': ' + e.properties[k]); });
        return h('tr', { 'data-event-id': e.eventId }, [h('td', { class: 'small' }, C.when(e.timestamp)), h('td', {}, h('span', { class: 'chip blue' }, e.channel)),
          h('td', {}, [e.type, e.movedFrom ? h('div', { class: 'small muted' }, 'moved in from ' + e.movedFrom) : null]), h('td', {}, props), h('td', { class: 'small muted' }, e.identifierTypes.join(', '))]);
      }) : [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No events held.'))]);
      C.fill('page', t.total ? (offset + 1) + '–' + (offset + t.events.length) + ' of ' + t.total + ' held' : '');
      C.fill('timeline-note', '(' + t.total + ' of ' + C.number(t.eventCount, 0) + ' events applied are held in the journal; newest first)');
      C.$('newer').disabled = offset === 0;
      C.$('older').disabled = offset + pageSize >= t.total;
    });
  }

  function activity(a) {
    C.fill('segments', a.segments.length ? a.segments.map(function (s) {
      return h('tr', {}, [h('td', {}, h('a', { href: 'segments.html?id=' + encodeURIComponent(s.segmentId) }, s.segmentId)), h('td', { class: 'small' }, s.enteredAt ? C.when(s.enteredAt) : 'before entry times were kept')]);
    }) : [h('tr', {}, h('td', { colspan: 2, class: 'muted' }, 'In no segment.'))]);
    C.fill('decisions', a.decisions.length ? a.decisions.map(function (d) {
      var rows = d.offers.map(function (o) {
        return h('tr', {}, [h('td', {}, o.offerId), h('td', { class: 'num' }, C.number(o.score, 4)), h('td', { class: 'num' }, C.number(o.propensity, 4)),
          h('td', { class: 'num' }, C.number(o.contextWeight, 2)), h('td', { class: 'num' }, C.number(o.value, 2)), h('td', { class: 'num' }, C.number(o.lever, 2)),
          h('td', { 'data-testid': 'outcomes' }, o.outcomes.length ? o.outcomes.map(function (x) { return h('span', { class: 'chip ' + (x === 'reject' ? 'bad' : x === 'impression' ? '' : 'good') }, x); }) : h('span', { class: 'muted small' }, 'no answer'))]);
      });
      return h('div', { class: 'decision', 'data-decision-id': d.decisionId }, [
        h('div', { class: 'row small' }, [h('b', {}, C.when(d.at)), h('span', { class: 'chip blue' }, d.channel), d.placement ? h('span', { class: 'chip' }, d.placement) : null,
          d.control ? h('span', { class: 'chip warn' }, 'control group: nothing offered') : null, d.converted ? h('span', { class: 'chip good' }, 'converted') : null,
          d.excluded ? h('span', { class: 'muted' }, d.excluded + ' rule exclusions') : null, h('span', { class: 'mono muted' }, d.decisionId)]),
        rows.length ? h('table', {}, [h('thead', {}, h('tr', {}, ['offer', 'score', 'propensity', 'context', 'value', 'lever', 'what the customer did'].map(function (c, i) { return h('th', { class: i > 0 && i < 6 ? 'num' : null }, c); }))), h('tbody', {}, rows)]) : null,
      ]);
    }) : [h('p', { class: 'muted' }, 'No decisions remembered (the engine keeps the last five while the customer is active).')]);
  }

  function reveal() {
    C.api(path(state.id, '/export')).then(function (x) {
      C.fill('reveal-msg', h('span', { class: 'chip warn' }, 'personal data: admin key'));
      C.fill('clear', Object.keys(x.identifiers).sort().map(function (t) { return h('div', {}, t + ': ' + x.identifiers[t].join(', ')); }));
    }).catch(function (e) {
      C.fill('reveal-msg', e.status === 403 ? 'Your key may not see identifiers in clear (admin only).' : C.explain(e));
    });
  }

  var initial = C.params.get('ref');
  if (initial) { C.$('ref').value = initial; load(initial); }
  else if (!C.key) C.message('msg', 'Enter an API key (query scope or admin) at the top, then look a customer up.');
})();

// Offers and experiments (issue 19): every number is the engine's (GET /api/v1/offers/{id}/experiment and
// /stats); the page only lays them out. The exploration share is shown when the engine reports it.
(function () {
  'use strict';
  var C = window.PeConsole, h = C.h;
  C.chrome('offers.html');
  var selected = C.params.get('offer');
  var experiments = {};

  function pp(x) { return (x * 100).toFixed(2) + ' pp'; }

  function verdictChip(x) {
    var kind = { better: 'good', worse: 'bad', 'not-significant': 'warn' }[x.verdict] || '';
    var text = { better: 'better than control', worse: 'worse than control', 'not-significant': 'not yet significant', 'no-data': 'no data yet' }[x.verdict] || x.verdict;
    return h('span', { class: 'chip ' + kind, 'data-testid': 'verdict', title: x.verdictText }, text);
  }

  function row(x, stats) {
    var k = x.kpi, u = k.upliftVsControl;
    var share = stats && typeof stats.explorationShare === 'number' ? C.percent(stats.explorationShare) : '—';
    return h('tr', { class: 'click' + (x.offerId === selected ? ' sel' : ''), 'data-offer-id': x.offerId, onclick: function () { select(x.offerId); } }, [
      h('td', {}, [h('b', {}, x.name || x.offerId), h('div', { class: 'small muted mono' }, x.offerId)]),
      h('td', { class: 'num' }, C.number(k.decisions, 0)), h('td', { class: 'num' }, C.number(k.impressions, 0)), h('td', { class: 'num' }, C.number(k.clicks, 0)),
      h('td', {}, [C.percent(k.ctr), h('div', { class: 'small muted' }, C.interval(k.ctrInterval, true))]),
      h('td', { class: 'num' }, C.number(k.conversions, 0)),
      h('td', {}, [C.percent(k.cvr), h('div', { class: 'small muted' }, C.interval(k.cvrInterval, true))]),
      h('td', { class: 'num' }, C.money(k.revenue)),
      h('td', { 'data-testid': 'uplift' }, u ? [pp(u.difference), h('div', { class: 'small muted', 'data-testid': 'uplift-interval' }, pp(u.low) + ' to ' + pp(u.high))] : '—'),
      h('td', {}, verdictChip(x)),
      h('td', { class: 'num', 'data-testid': 'exploration' }, share),
    ]);
  }

  function select(id) {
    selected = id;
    history.replaceState(null, '', '?offer=' + encodeURIComponent(id));
    Array.prototype.forEach.call(document.querySelectorAll('#offers tr'), function (tr) { tr.classList.toggle('sel', tr.getAttribute('data-offer-id') === id); });
    var x = experiments[id];
    if (!x) return;
    C.$('detail').classList.remove('hidden');
    C.fill('detail-title', (x.name || x.offerId) + ': uplift against the control group');
    var u = x.kpi.upliftVsControl;
    if (u) PeChart.interval(C.$('uplift-chart'), { value: u.difference * 100, low: u.low * 100, high: u.high * 100, unit: ' pp', title: 'uplift with 95% interval' });
    else C.fill('uplift-chart', h('p', { class: 'muted' }, 'No uplift until both the offer and the control group have decisions.'));
    C.fill('uplift-text', [
      h('p', {}, [verdictChip(x), ' ', x.verdictText]),
      h('dl', { class: 'kv small' }, [
        h('dt', {}, 'offer CVR'), h('dd', {}, C.percent(x.kpi.cvr, 2) + ' (' + C.interval(x.kpi.cvrInterval, true) + '), ' + x.kpi.conversions + ' of ' + x.kpi.decisions),
        h('dt', {}, 'control CVR'), h('dd', {}, C.percent(x.control.cvr, 2) + ' (' + C.interval(x.control.cvrInterval, true) + '), ' + x.control.conversions + ' of ' + x.control.decisions),
        h('dt', {}, 'uplift'), h('dd', {}, u ? pp(u.difference) + ', 95% interval ' + pp(u.low) + ' to ' + pp(u.high) : '—'),
      ]),
    ]);
    var per = 'per ' + (x.intervalSeconds >= 60 ? (x.intervalSeconds / 60) + ' min' : x.intervalSeconds + ' s');
    C.fill('per', '(' + per + ', kept by the server)'); C.fill('per2', '(' + per + ')');
    var pts = x.series;
    PeChart.line(C.$('counts-chart'), {
      unit: 'count ' + per, integer: true, title: 'impressions, clicks and conversions',
      series: [
        { name: 'impressions', values: pts.map(function (p) { return { t: p.time, v: p.impressions }; }) },
        { name: 'clicks', values: pts.map(function (p) { return { t: p.time, v: p.clicks }; }) },
        { name: 'conversions', values: pts.map(function (p) { return { t: p.time, v: p.conversions }; }) },
      ],
      empty: 'No history yet: the engine samples every ' + per.slice(4),
    });
    PeChart.line(C.$('revenue-chart'), { unit: 'revenue ' + per, title: 'revenue', series: [{ name: 'revenue', values: pts.map(function (p) { return { t: p.time, v: p.revenue }; }) }], empty: 'No history yet' });
  }

  function load() {
    C.api('/api/v1/stats').then(function (s) {
      return Promise.all(s.offers.map(function (o) {
        var id = encodeURIComponent(o.offerId);
        return Promise.all([C.api('/api/v1/offers/' + id + '/experiment'), C.api('/api/v1/offers/' + id + '/stats')]);
      }));
    }).then(function (all) {
      C.message('msg', all.length ? null : 'No offers in the catalogue yet.');
      var control = all.length ? all[0][0].control : null;
      all.forEach(function (p) { experiments[p[0].offerId] = p[0]; });
      C.fill('offers', all.map(function (p) { return row(p[0], p[1]); }));
      C.fill('control', control ? 'Control group: ' + C.number(control.decisions, 0) + ' decisions, ' + C.number(control.conversions, 0) + ' conversions, CVR ' + C.percent(control.cvr, 2) + ' (' + C.interval(control.cvrInterval, true) + ').' : '');
      if (!selected && all.length) selected = all[0][0].offerId;
      if (selected) select(selected);
    }).catch(function (e) { C.message('msg', C.explain(e), 'err'); });
  }
  if (!C.key) C.message('msg', 'Enter an API key (query scope or admin) at the top.');
  else { load(); setInterval(load, 15000); }
})();

// Segments (issue 19): sizes over time and flows per hour as the engine samples them (GET /api/v1/segments/{id}/history).
(function () {
  'use strict';
  var C = window.PeConsole, h = C.h;
  C.chrome('segments.html');
  var selected = C.params.get('id');

  function select(id, name) {
    selected = id;
    history.replaceState(null, '', '?id=' + encodeURIComponent(id));
    Array.prototype.forEach.call(document.querySelectorAll('#segments tr'), function (tr) { tr.classList.toggle('sel', tr.getAttribute('data-segment-id') === id); });
    C.api('/api/v1/segments/' + encodeURIComponent(id) + '/history').then(function (s) {
      C.$('detail').classList.remove('hidden');
      C.fill('title', (s.name || name) + ' · members now: ' + C.number(s.members, 0));
      var per = s.intervalSeconds >= 60 ? (s.intervalSeconds / 60) + ' min' : s.intervalSeconds + ' s';
      C.fill('per', '(a sample every ' + per + ', kept by the server)');
      PeChart.line(C.$('size-chart'), { unit: 'members', integer: true, title: 'members over time', series: [{ name: 'members', values: s.sizes.map(function (p) { return { t: p.time, v: p.members }; }) }] });
      PeChart.bars(C.$('flow-chart'), {
        unit: 'customers / hour', title: 'entries and exits per hour',
        labels: s.perHour.map(function (p) { var d = new Date(p.hour); return d.toLocaleString('en-GB', { day: '2-digit', month: 'short', hour: '2-digit' }) + 'h'; }),
        series: [{ name: 'entered', values: s.perHour.map(function (p) { return p.entered; }) }, { name: 'left', values: s.perHour.map(function (p) { return p.left; }) }],
        empty: 'No entries or exits sampled yet',
      });
      C.fill('sample', s.sampleProfileIds.length ? h('ul', {}, s.sampleProfileIds.map(function (p) { return h('li', {}, h('a', { class: 'mono', href: 'customer.html?ref=' + encodeURIComponent(p) }, p)); }))
        : h('p', { class: 'muted' }, 'No member in memory on this node.'));
    }).catch(function (e) { C.message('msg', C.explain(e), 'err'); });
  }

  function load() {
    C.api('/api/v1/stats').then(function (s) {
      C.fill('segments', s.segments.map(function (x) {
        return h('tr', { class: 'click' + (x.id === selected ? ' sel' : ''), 'data-segment-id': x.id, onclick: function () { select(x.id, x.name); } },
          [h('td', {}, [h('b', {}, x.name), h('div', { class: 'small muted mono' }, x.id)]), h('td', { class: 'num' }, C.number(x.members, 0))]);
      }));
      if (!selected && s.segments.length) selected = s.segments[0].id;
      if (selected) select(selected);
    }).catch(function (e) { C.message('msg', C.explain(e), 'err'); });
  }
  if (!C.key) C.message('msg', 'Enter an API key (query scope or admin) at the top.');
  else load();
})();

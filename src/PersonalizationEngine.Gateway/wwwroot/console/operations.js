// Operations (issue 19): GET /api/v1/stats/history (the server's last hour, per second) and GET /api/v1/cluster.
(function () {
  'use strict';
  var C = window.PeConsole, h = C.h;
  C.chrome('operations.html');

  function series(points, name, pick) { return { name: name, values: points.map(function (p) { return { t: p.time, v: pick(p) }; }) }; }

  function history() {
    return C.api('/api/v1/stats/history').then(function (points) {
      var last = points[points.length - 1];
      if (last) {
        C.fill('eps', C.number(last.eventsPerSecond)); C.fill('dps', C.number(last.decisionsPerSecond));
        C.fill('p99', C.number(last.latencyP99Ms, 2)); C.fill('lag', C.number(last.ingestLagP99Ms, 1));
        C.fill('updated', points.length + ' points, last at ' + C.when(last.time));
      }
      PeChart.line(C.$('rate-chart'), { unit: 'per second', series: [series(points, 'events / s', function (p) { return p.eventsPerSecond; }), series(points, 'decisions / s', function (p) { return p.decisionsPerSecond; })] });
      PeChart.line(C.$('latency-chart'), { unit: 'ms', series: [series(points, 'p50', function (p) { return p.latencyP50Ms; }), series(points, 'p99', function (p) { return p.latencyP99Ms; })] });
      PeChart.line(C.$('lag-chart'), { unit: 'ms', series: [series(points, 'p50', function (p) { return p.ingestLagP50Ms; }), series(points, 'p99', function (p) { return p.ingestLagP99Ms; })] });
    });
  }

  // GET /api/v1/cluster is an admin route: with a query key the table says so and the charts still show.
  function nodes() {
    return C.api('/api/v1/cluster').then(function (c) {
      C.fill('nodes', c.nodes.map(function (n) {
        var types = Object.keys(n.activationsByType).sort();
        return h('tr', {}, [h('td', {}, [h('b', {}, n.name), n.thisNode ? h('span', { class: 'chip blue' }, 'this node') : null, h('div', { class: 'small muted mono' }, n.address)]),
          h('td', {}, h('span', { class: 'chip ' + (n.status === 'Active' ? 'good' : 'warn') }, n.status.toLowerCase())),
          h('td', { class: 'num' }, C.number(n.activations, 0)),
          h('td', {}, types.map(function (t) { return h('span', { class: 'chip' }, t + ': ' + C.number(n.activationsByType[t], 0)); }))]);
      }));
    }, function (e) {
      if (e.status !== 403) throw e;
      C.fill('nodes', h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'Nodes and grains need an admin key (GET /api/v1/cluster).')));
    });
  }

  function refresh() { Promise.all([history(), nodes()]).then(function () { C.message('msg', null); }, function (e) { C.message('msg', C.explain(e), 'err'); }); }
  if (!C.key) C.message('msg', 'Enter an API key (query scope or admin) at the top.');
  else { refresh(); setInterval(refresh, 5000); }
})();

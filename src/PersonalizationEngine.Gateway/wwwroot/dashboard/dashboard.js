(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var key = params.get('key') || sessionStorage.getItem('pe_key') || '';
  var history = [];
  var max = 3600; // the server keeps the last hour of per-second points; the charts show them all
  var timer = null;
  document.getElementById('key').value = key;
  document.getElementById('keyform').onsubmit = function (e) {
    e.preventDefault();
    key = document.getElementById('key').value;
    sessionStorage.setItem('pe_key', key);
    connect();
  };

  function text(id, v) { document.getElementById(id).textContent = v; }
  function fmt(n) { return n >= 1000 ? (n / 1000).toFixed(1) + 'k' : (Math.round(n * 10) / 10).toString(); }

  // "live" only while the key works: a missing or rejected key, or an engine that stopped answering, says so.
  function badge(state, label) {
    var b = document.getElementById('live');
    b.className = 'badge ' + state;
    b.textContent = label;
  }

  function line(svg, series, classes) {
    var w = 600, h = 160, pad = 24;
    var top = Math.max(1, Math.max.apply(null, series.map(function (s) { return Math.max.apply(null, s.concat([0])); })));
    var parts = ['<line class="grid" x1="' + pad + '" y1="' + (h - pad) + '" x2="' + w + '" y2="' + (h - pad) + '"/>',
      '<text x="2" y="12">' + fmt(top) + '</text><text x="2" y="' + (h - pad) + '">0</text>'];
    series.forEach(function (s, i) {
      if (!s.length) return;
      var n = Math.max(2, s.length);
      var pts = s.map(function (v, j) {
        var x = pad + (w - pad) * (j / (n - 1));
        var y = (h - pad) - (h - pad - 8) * (v / top);
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      parts.push('<polyline class="' + classes[i] + '" points="' + pts.join(' ') + '"/>');
    });
    svg.innerHTML = parts.join('');
  }

  function draw() {
    line(document.getElementById('rate'), [history.map(function (h) { return h.eventsPerSecond; }), history.map(function (h) { return h.decisionsPerSecond; })], ['a', 'b']);
    line(document.getElementById('latency'), [history.map(function (h) { return h.latencyP50Ms; }), history.map(function (h) { return h.latencyP99Ms; })], ['a', 'b']);
    document.getElementById('rate').setAttribute('data-points', String(history.length));
  }

  function rows(tbody, items, cells) {
    var el = document.getElementById(tbody);
    el.innerHTML = '';
    items.forEach(function (it) {
      var tr = document.createElement('tr');
      cells(it).forEach(function (c) { var td = document.createElement('td'); td.textContent = c; tr.appendChild(td); });
      el.appendChild(tr);
    });
  }

  function get(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + key } }).then(function (r) {
      if (r.status === 401 || r.status === 403) { var e = new Error(r.status === 401 ? 'key rejected' : 'key lacks the query scope'); e.auth = true; throw e; }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  function failed(e) {
    badge('off', e.auth ? 'not live' : 'offline');
    text('state', String(e.message || e));
    if (e.auth && timer) { clearInterval(timer); timer = null; } // a wrong key will not start working by itself
  }

  function poll() {
    get('/api/v1/stats').then(function (s) {
      badge('on', 'live');
      text('state', 'updated ' + new Date(s.time).toLocaleTimeString());
      text('eps', fmt(s.eventsPerSecond)); text('dps', fmt(s.decisionsPerSecond));
      text('p50', s.decisionLatencyMs.p50.toFixed(2)); text('p99', s.decisionLatencyMs.p99.toFixed(2));
      text('grains', fmt(s.activeGrains)); text('events-total', s.eventsTotal); text('decisions-total', s.decisionsTotal);
      text('backlog', fmt(s.ingestBacklog || 0)); text('lag', (s.ingestLagP99Ms || 0).toFixed(1));
      var last = history.length ? history[history.length - 1].time : null;
      if (last !== s.time) {
        history.push({ time: s.time, eventsPerSecond: s.eventsPerSecond, decisionsPerSecond: s.decisionsPerSecond, latencyP50Ms: s.decisionLatencyMs.p50, latencyP99Ms: s.decisionLatencyMs.p99 });
        if (history.length > max) history.shift();
      }
      draw();
      rows('segments', s.segments.filter(function (x) { return x.members > 0; }), function (x) { return [x.name, x.members]; });
      rows('offers', s.offers, function (o) { return [o.name || o.offerId, o.impressions, o.clicks, o.accepts, (o.ctr * 100).toFixed(1) + '%', o.conversions]; });
    }).catch(failed);
  }

  // The charts start from the server's last hour, then follow the live figures.
  function connect() {
    if (timer) { clearInterval(timer); timer = null; }
    if (!key) { badge('off', 'not live'); text('state', 'enter a key'); return; }
    get('/api/v1/stats/history').then(function (points) {
      history = points.slice(-max);
      draw();
      poll();
      timer = setInterval(poll, 1000);
    }).catch(failed);
  }
  connect();
})();

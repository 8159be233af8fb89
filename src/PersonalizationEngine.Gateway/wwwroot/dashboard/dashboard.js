(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var key = params.get('key') || sessionStorage.getItem('pe_key') || '';
  var history = [];
  var max = 120;
  document.getElementById('key').value = key;
  document.getElementById('keyform').onsubmit = function (e) {
    e.preventDefault();
    key = document.getElementById('key').value;
    sessionStorage.setItem('pe_key', key);
    poll();
  };

  function text(id, v) { document.getElementById(id).textContent = v; }
  function fmt(n) { return n >= 1000 ? (n / 1000).toFixed(1) + 'k' : (Math.round(n * 10) / 10).toString(); }

  function line(svg, series, classes) {
    var w = 600, h = 160, pad = 24;
    var top = Math.max(1, Math.max.apply(null, series.map(function (s) { return Math.max.apply(null, s.concat([0])); })));
    var parts = ['<line class="grid" x1="' + pad + '" y1="' + (h - pad) + '" x2="' + w + '" y2="' + (h - pad) + '"/>',
      '<text x="2" y="12">' + fmt(top) + '</text><text x="2" y="' + (h - pad) + '">0</text>'];
    series.forEach(function (s, i) {
      if (!s.length) return;
      var pts = s.map(function (v, j) {
        var x = pad + (w - pad) * (j / Math.max(1, max - 1));
        var y = (h - pad) - (h - pad - 8) * (v / top);
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      parts.push('<polyline class="' + classes[i] + '" points="' + pts.join(' ') + '"/>');
    });
    svg.innerHTML = parts.join('');
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

  function poll() {
    if (!key) { text('state', 'enter a key'); return; }
    fetch('/api/v1/stats', { headers: { Authorization: 'Bearer ' + key } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (s) {
      text('state', 'updated ' + new Date(s.time).toLocaleTimeString());
      text('eps', fmt(s.eventsPerSecond)); text('dps', fmt(s.decisionsPerSecond));
      text('p50', s.decisionLatencyMs.p50.toFixed(2)); text('p99', s.decisionLatencyMs.p99.toFixed(2));
      text('grains', fmt(s.activeGrains)); text('events-total', s.eventsTotal); text('decisions-total', s.decisionsTotal);
      history.push(s);
      if (history.length > max) history.shift();
      line(document.getElementById('rate'), [history.map(function (h) { return h.eventsPerSecond; }), history.map(function (h) { return h.decisionsPerSecond; })], ['a', 'b']);
      line(document.getElementById('latency'), [history.map(function (h) { return h.decisionLatencyMs.p50; }), history.map(function (h) { return h.decisionLatencyMs.p99; })], ['a', 'b']);
      rows('segments', s.segments.filter(function (x) { return x.members > 0; }), function (x) { return [x.name, x.members]; });
      rows('offers', s.offers, function (o) { return [o.name || o.offerId, o.impressions, o.clicks, o.accepts, (o.ctr * 100).toFixed(1) + '%', o.conversions]; });
    }).catch(function (e) { text('state', String(e)); });
  }
  setInterval(poll, 1000);
  poll();
})();

// A tiny SVG chart renderer of the console's own (issue 19): line charts over time, bar charts, and an interval
// plot for an uplift; axes with ticks and units, a legend. No dependencies and no CDN. It only draws the numbers it is
// given. The pure parts (ticks, scales, the SVG text) run in Node too, for tests/e2e/chart.test.mjs.
(function (root) {
  'use strict';
  var colors = ['#2f6fdb', '#e07b24', '#1e8e5a', '#8a4fd1'];

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }

  /** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 times a power of ten). */
  function ticks(min, max, count, integer) {
    count = count || 5;
    if (!isFinite(min) || !isFinite(max)) return [0, 1];
    if (min === max) { if (min === 0) return [0, 1]; min = Math.min(0, min); max = Math.max(0, max); }
    var raw = (max - min) / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    // The round step (1, 2 or 5 times a power of ten) that gives the number of intervals closest to `count`.
    var step = [1, 2, 5, 10].map(function (m) { return m * power; }).reduce(function (best, s) {
      return Math.abs((max - min) / s - count) < Math.abs((max - min) / best - count) ? s : best;
    });
    // Whole multiples of the step, rounded to its decimals (0.6, not 0.6000000000000001).
    if (integer) step = Math.max(1, Math.round(step));
    var decimals = Math.max(0, -Math.floor(Math.log10(step)));
    var first = Math.floor(min / step), last = Math.ceil(max / step - 1e-9);
    var out = [];
    for (var i = first; i <= last; i++) out.push(Number((i * step).toFixed(decimals)));
    return out;
  }

  function label(v) {
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + 'k';
    if (a > 0 && a < 0.01) return v.toExponential(0);
    return String(Math.round(v * 1000) / 1000);
  }

  function timeLabel(ms, span) {
    var d = new Date(ms);
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    if (span > 2 * 86400e3) return two(d.getDate()) + '/' + two(d.getMonth() + 1) + ' ' + two(d.getHours()) + 'h';
    if (span > 3 * 3600e3) return two(d.getHours()) + ':' + two(d.getMinutes());
    return two(d.getHours()) + ':' + two(d.getMinutes()) + (span < 600e3 ? ':' + two(d.getSeconds()) : '');
  }

  /** Round time ticks (seconds to days) covering [t0, t1]. */
  function timeTicks(t0, t1, count) {
    var span = Math.max(1, t1 - t0);
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(function (s) { return s * 1000; });
    var step = steps.filter(function (s) { return s >= span / (count || 6); })[0] || 86400e3 * Math.ceil(span / 86400e3 / (count || 6));
    var out = [];
    for (var t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push(t);
    return out;
  }

  /**
   * A line chart as SVG text. opts: series [{name, values: [{t: ISO time or ms, v: number}]}], unit (y axis title),
   * integer (counts: whole-number ticks), width, height. Series are drawn in the order given, each with its colour.
   */
  function lineSvg(opts) {
    var w = opts.width || 640, hgt = opts.height || 220, l = 52, r = 12, t = 14, b = 30;
    var all = [];
    opts.series.forEach(function (s) { s.values.forEach(function (p) { all.push({ t: +new Date(p.t), v: p.v }); }); });
    var head = '<svg class="chart" viewBox="0 0 ' + w + ' ' + hgt + '" role="img" aria-label="' + esc(opts.title || opts.unit || 'chart') + '" data-points="' + all.length + '">';
    if (all.length === 0) {
      return head + '<text class="empty" x="' + w / 2 + '" y="' + hgt / 2 + '" text-anchor="middle">' + esc(opts.empty || 'No data yet') + '</text></svg>';
    }
    var t0 = Math.min.apply(null, all.map(function (p) { return p.t; })), t1 = Math.max.apply(null, all.map(function (p) { return p.t; }));
    if (t0 === t1) { t0 -= 30e3; t1 += 30e3; }
    var ys = ticks(Math.min(0, Math.min.apply(null, all.map(function (p) { return p.v; }))), Math.max.apply(null, all.map(function (p) { return p.v; })), 4, opts.integer);
    var y0 = ys[0], y1 = ys[ys.length - 1];
    var X = function (x) { return l + (w - l - r) * (x - t0) / (t1 - t0); };
    var Y = function (y) { return t + (hgt - t - b) * (1 - (y - y0) / ((y1 - y0) || 1)); };
    var parts = [head];
    ys.forEach(function (y) {
      parts.push('<line class="gridline" x1="' + l + '" x2="' + (w - r) + '" y1="' + Y(y).toFixed(1) + '" y2="' + Y(y).toFixed(1) + '"/>');
      parts.push('<text x="' + (l - 6) + '" y="' + (Y(y) + 4).toFixed(1) + '" text-anchor="end">' + esc(label(y)) + '</text>');
    });
    timeTicks(t0, t1, Math.floor((w - l) / 90)).forEach(function (x) {
      parts.push('<line class="axis" x1="' + X(x).toFixed(1) + '" x2="' + X(x).toFixed(1) + '" y1="' + (hgt - b) + '" y2="' + (hgt - b + 4) + '"/>');
      parts.push('<text x="' + X(x).toFixed(1) + '" y="' + (hgt - b + 16) + '" text-anchor="middle">' + esc(timeLabel(x, t1 - t0)) + '</text>');
    });
    parts.push('<line class="axis" x1="' + l + '" x2="' + (w - r) + '" y1="' + (hgt - b) + '" y2="' + (hgt - b) + '"/>');
    parts.push('<line class="axis" x1="' + l + '" x2="' + l + '" y1="' + t + '" y2="' + (hgt - b) + '"/>');
    if (opts.unit) parts.push('<text x="12" y="' + ((hgt - b + t) / 2) + '" text-anchor="middle" transform="rotate(-90 12 ' + ((hgt - b + t) / 2) + ')">' + esc(opts.unit) + '</text>');
    opts.series.forEach(function (s, i) {
      var pts = s.values.map(function (p) { return X(+new Date(p.t)).toFixed(1) + ',' + Y(p.v).toFixed(1); });
      var c = s.color || colors[i % colors.length];
      if (pts.length === 1) parts.push('<circle cx="' + pts[0].split(',')[0] + '" cy="' + pts[0].split(',')[1] + '" r="3" fill="' + c + '"/>');
      else parts.push('<polyline class="line" stroke="' + c + '" points="' + pts.join(' ') + '"><title>' + esc(s.name) + '</title></polyline>');
    });
    parts.push('</svg>');
    return parts.join('');
  }

  /** Grouped bars as SVG text. opts: labels [string], series [{name, values: [number]}], unit; counts (integer ticks) unless integer: false. */
  function barSvg(opts) {
    var w = opts.width || 640, hgt = opts.height || 220, l = 52, r = 12, t = 14, b = 30;
    var n = opts.labels.length;
    var head = '<svg class="chart" viewBox="0 0 ' + w + ' ' + hgt + '" role="img" aria-label="' + esc(opts.title || opts.unit || 'chart') + '" data-bars="' + n + '">';
    if (n === 0) return head + '<text class="empty" x="' + w / 2 + '" y="' + hgt / 2 + '" text-anchor="middle">' + esc(opts.empty || 'No data yet') + '</text></svg>';
    var max = 0;
    opts.series.forEach(function (s) { s.values.forEach(function (v) { max = Math.max(max, v); }); });
    var ys = ticks(0, max, 4, opts.integer !== false), y1 = ys[ys.length - 1];
    var Y = function (y) { return t + (hgt - t - b) * (1 - y / (y1 || 1)); };
    var slot = (w - l - r) / n, bw = Math.max(2, Math.min(28, slot * 0.8 / opts.series.length));
    var parts = [head];
    ys.forEach(function (y) {
      parts.push('<line class="gridline" x1="' + l + '" x2="' + (w - r) + '" y1="' + Y(y).toFixed(1) + '" y2="' + Y(y).toFixed(1) + '"/>');
      parts.push('<text x="' + (l - 6) + '" y="' + (Y(y) + 4).toFixed(1) + '" text-anchor="end">' + esc(label(y)) + '</text>');
    });
    var every = Math.ceil(n / Math.max(1, Math.floor((w - l) / 70)));
    opts.labels.forEach(function (lab, i) {
      var cx = l + slot * (i + 0.5);
      opts.series.forEach(function (s, j) {
        var x = cx - bw * opts.series.length / 2 + bw * j;
        var v = s.values[i] || 0;
        parts.push('<rect x="' + x.toFixed(1) + '" y="' + Y(v).toFixed(1) + '" width="' + (bw - 1).toFixed(1) + '" height="' + (Y(0) - Y(v)).toFixed(1) + '" fill="' + (s.color || colors[j % colors.length]) + '"><title>' + esc(s.name + ': ' + v) + '</title></rect>');
      });
      if (i % every === 0) parts.push('<text x="' + cx.toFixed(1) + '" y="' + (hgt - b + 16) + '" text-anchor="middle">' + esc(lab) + '</text>');
    });
    parts.push('<line class="axis" x1="' + l + '" x2="' + (w - r) + '" y1="' + (hgt - b) + '" y2="' + (hgt - b) + '"/>');
    if (opts.unit) parts.push('<text x="12" y="' + ((hgt - b + t) / 2) + '" text-anchor="middle" transform="rotate(-90 12 ' + ((hgt - b + t) / 2) + ')">' + esc(opts.unit) + '</text>');
    parts.push('</svg>');
    return parts.join('');
  }

  /** An estimate with its interval against a zero line (an uplift read-out), as SVG text. Values in percentage points. */
  function intervalSvg(opts) {
    var w = opts.width || 640, hgt = 70, l = 24, r = 24;
    var lo = Math.min(opts.low, 0), hi = Math.max(opts.high, 0);
    var ts = ticks(lo, hi, 4), a = ts[0], z = ts[ts.length - 1];
    var X = function (x) { return l + (w - l - r) * (x - a) / ((z - a) || 1); };
    var parts = ['<svg class="chart" viewBox="0 0 ' + w + ' ' + hgt + '" role="img" aria-label="' + esc(opts.title || 'interval') + '">'];
    ts.forEach(function (x) { parts.push('<text x="' + X(x).toFixed(1) + '" y="' + (hgt - 6) + '" text-anchor="middle">' + esc(label(x) + (opts.unit || '')) + '</text>'); });
    parts.push('<line class="axis" x1="' + l + '" x2="' + (w - r) + '" y1="' + (hgt - 22) + '" y2="' + (hgt - 22) + '"/>');
    parts.push('<line stroke="#c2413b" stroke-dasharray="3 3" x1="' + X(0).toFixed(1) + '" x2="' + X(0).toFixed(1) + '" y1="6" y2="' + (hgt - 22) + '"/>');
    parts.push('<line stroke="' + (opts.color || colors[0]) + '" stroke-width="3" x1="' + X(opts.low).toFixed(1) + '" x2="' + X(opts.high).toFixed(1) + '" y1="26" y2="26"/>');
    parts.push('<circle fill="' + (opts.color || colors[0]) + '" cx="' + X(opts.value).toFixed(1) + '" cy="26" r="5"/>');
    parts.push('</svg>');
    return parts.join('');
  }

  function legend(names) {
    return '<div class="legend">' + names.map(function (n, i) { return '<span><i style="background:' + colors[i % colors.length] + '"></i>' + esc(n) + '</span>'; }).join('') + '</div>';
  }

  var api = {
    ticks: ticks, timeTicks: timeTicks, lineSvg: lineSvg, barSvg: barSvg, intervalSvg: intervalSvg, legend: legend, colors: colors,
    /** Draws into an element (the SVG text escapes every label it is given). */
    line: function (el, opts) { el.innerHTML = lineSvg(opts) + legend(opts.series.map(function (s) { return s.name; })); },
    bars: function (el, opts) { el.innerHTML = barSvg(opts) + legend(opts.series.map(function (s) { return s.name; })); },
    interval: function (el, opts) { el.innerHTML = intervalSvg(opts); },
  };
  root.PeChart = api;
})(typeof window !== 'undefined' ? window : globalThis);

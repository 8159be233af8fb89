// Issue 19: the console's SVG chart renderer (wwwroot/console/chart.js) on its own, in Node: round ticks, escaped
// labels, axes with units, and an honest "no data" instead of an empty frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'PersonalizationEngine.Gateway', 'wwwroot', 'console', 'chart.js'), 'utf8');
const context = {};
runInNewContext(source, context);
const { PeChart } = context;

test('ticks are round numbers that cover the range', () => {
  assert.deepEqual([...PeChart.ticks(0, 97, 4)], [0, 20, 40, 60, 80, 100]);
  assert.deepEqual([...PeChart.ticks(0, 1, 5)], [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual([...PeChart.ticks(-1.3, 2.1, 4)], [-2, -1, 0, 1, 2, 3]);
  assert.deepEqual([...PeChart.ticks(0, 0, 4)], [0, 1]);
  assert.deepEqual([...PeChart.ticks(0, 1, 4, true)], [0, 1], 'counts get whole-number ticks');
  assert.deepEqual([...PeChart.ticks(0, 7, 4, true)], [0, 2, 4, 6, 8]);
});

test('a line chart has axes, the unit, one polyline per series and escaped names', () => {
  const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);
  const svg = PeChart.lineSvg({
    unit: 'events / s',
    series: [
      { name: '<b>events</b>', values: [0, 1, 2].map(i => ({ t: t0 + i * 1000, v: i * 10 })) },
      { name: 'decisions', values: [0, 1, 2].map(i => ({ t: t0 + i * 1000, v: i })) },
    ],
  });
  assert.match(svg, /data-points="6"/);
  assert.equal((svg.match(/<polyline/g) || []).length, 2);
  assert.match(svg, />events \/ s</);
  assert.match(svg, />20</, 'the top tick');
  assert.ok(!svg.includes('<b>'), 'names are escaped');
  assert.match(svg, /&lt;b&gt;events/);
});

test('no data is said, not drawn as an empty frame; bars and intervals draw what they are given', () => {
  assert.match(PeChart.lineSvg({ series: [{ name: 'x', values: [] }], empty: 'No history yet' }), /No history yet/);
  const bars = PeChart.barSvg({ labels: ['09h', '10h'], series: [{ name: 'entered', values: [3, 5] }, { name: 'left', values: [1, 0] }], unit: 'customers / hour' });
  assert.equal((bars.match(/<rect/g) || []).length, 4);
  assert.match(bars, /data-bars="2"/);
  const interval = PeChart.intervalSvg({ value: 2, low: -1, high: 5, unit: ' pp' });
  assert.match(interval, /stroke-dasharray/, 'the zero line');
  assert.match(interval, />0 pp</);
});

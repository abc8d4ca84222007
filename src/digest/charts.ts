import { createCanvas } from '@napi-rs/canvas';
import { isSmall } from './suppress.js';
import type { ViewChart } from './view.js';

const FONT = '"Liberation Sans", "DejaVu Sans", Arial, sans-serif';
const INK = '#1f2933';
const MUTED = '#616e7c';
const BAR = '#2f6fb5';
const BAR_2 = '#c0392b';
const GRID = '#e4e7eb';
// Drawn at twice the displayed size so the PNG stays sharp on phones and high-DPI screens.
const SCALE = 2;

/** Display size of every chart, in CSS pixels (the HTML sets these width/height attributes). */
export const CHART_SIZE = { width: 560, height: 220 } as const;

/** Draws a 12-week bar chart: all incidents, with high/critical overlaid. A suppressed week shows "<3". */
function drawTrend(chart: ViewChart): Buffer {
  const { width, height } = CHART_SIZE;
  const canvas = createCanvas(width * SCALE, height * SCALE);
  const g = canvas.getContext('2d');
  g.scale(SCALE, SCALE);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  const left = 36;
  const bottom = height - 40;
  const top = 28;
  const max = Math.max(3, ...chart.series.map((p) => p.value));
  const step = (width - left - 10) / Math.max(1, chart.series.length);
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  g.strokeStyle = GRID;
  g.fillStyle = MUTED;
  g.font = `11px ${FONT}`;
  g.textAlign = 'right';
  for (const v of [0, Math.round(max / 2), max]) {
    g.beginPath();
    g.moveTo(left, y(v));
    g.lineTo(width - 10, y(v));
    g.stroke();
    g.fillText(String(v), left - 6, y(v) + 4);
  }
  chart.series.forEach((p, i) => {
    const x = left + i * step + step * 0.18;
    const w = step * 0.64;
    // A suppressed bar is drawn at the height of 3, hatched, so its height does not give the count away.
    const shown = p.small ? 3 : p.value;
    g.fillStyle = p.small ? '#9fb8d6' : BAR;
    g.fillRect(x, y(shown), w, bottom - y(shown));
    if (!p.small && p.second) {
      // Same rule for the high/critical overlay: 1 or 2 is drawn at 3, in a paler red.
      const second = isSmall(p.second) ? 3 : p.second;
      g.fillStyle = isSmall(p.second) ? '#e6a39b' : BAR_2;
      g.fillRect(x, y(second), w, bottom - y(second));
    }
    g.fillStyle = INK;
    g.textAlign = 'center';
    g.font = `11px ${FONT}`;
    if (p.value > 0) g.fillText(p.small ? '<3' : String(p.value), x + w / 2, y(shown) - 4);
    g.fillStyle = MUTED;
    g.font = `10px ${FONT}`;
    g.fillText(p.label, x + w / 2, bottom + 14);
  });
  g.textAlign = 'left';
  g.font = `12px ${FONT}`;
  g.fillStyle = BAR;
  g.fillRect(left, 8, 10, 10);
  g.fillStyle = INK;
  g.fillText('All incidents', left + 14, 17);
  g.fillStyle = BAR_2;
  g.fillRect(left + 110, 8, 10, 10);
  g.fillStyle = INK;
  g.fillText('High or critical', left + 124, 17);
  g.fillStyle = MUTED;
  g.font = `10px ${FONT}`;
  g.fillText('Pale bars and "<3": fewer than 3, drawn at 3 so the exact count is not shown', left, height - 8);
  return canvas.toBuffer('image/png');
}

/** Draws horizontal completion bars (0–100%) per audience. */
function drawCompletion(chart: ViewChart): Buffer {
  const width = CHART_SIZE.width;
  const rowH = 24;
  const height = chartHeight(chart);
  const canvas = createCanvas(width * SCALE, height * SCALE);
  const g = canvas.getContext('2d');
  g.scale(SCALE, SCALE);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  const labelW = 190;
  const barW = width - labelW - 70;
  chart.series.forEach((p, i) => {
    const yTop = 12 + i * rowH;
    g.fillStyle = INK;
    g.font = `12px ${FONT}`;
    g.textAlign = 'right';
    g.fillText(p.label, labelW - 8, yTop + 14);
    g.fillStyle = GRID;
    g.fillRect(labelW, yTop + 3, barW, 14);
    g.fillStyle = p.value >= 90 ? '#2e7d32' : p.value >= 60 ? '#b7791f' : BAR_2;
    g.fillRect(labelW, yTop + 3, (barW * p.value) / 100, 14);
    g.fillStyle = INK;
    g.textAlign = 'left';
    g.fillText(p.text ?? `${p.value}%`, labelW + barW + 6, yTop + 14);
  });
  return canvas.toBuffer('image/png');
}

/** Renders a chart of the view as a PNG (server-side, so it shows in any mail client that shows images). */
export function renderChart(chart: ViewChart): Buffer {
  return chart.kind === 'trend' ? drawTrend(chart) : drawCompletion(chart);
}

/** Displayed height of a chart, for the <img> height attribute. */
export function chartHeight(chart: ViewChart): number {
  return chart.kind === 'completion' ? 24 + 24 * chart.series.length : CHART_SIZE.height;
}

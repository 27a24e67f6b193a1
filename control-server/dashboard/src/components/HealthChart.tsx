import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  TimeSeriesScale,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  TimeSeriesScale,
  Legend,
  Tooltip,
);

export interface Series {
  label: string;
  color: string;
  values: Array<number | null>;
}

/**
 * A small line chart (chart.js) with an accessible summary: the canvas is described by the
 * chart's title and latest values, and a visually hidden table carries the numbers.
 */
export function HealthChart(props: {
  title: string;
  labels: string[];
  series: Series[];
  unit: string;
  max?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: reduced ? false : { duration: 200 },
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { display: true, labels: { boxWidth: 12 } } },
        scales: {
          x: { ticks: { maxTicksLimit: 6, autoSkip: true } },
          y: { beginAtZero: true, ...(props.max !== undefined ? { suggestedMax: props.max } : {}) },
        },
        elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.2 } },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [props.max]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = props.labels;
    c.data.datasets = props.series.map((s) => ({
      label: s.label,
      data: s.values,
      borderColor: s.color,
      backgroundColor: s.color,
      spanGaps: true,
    }));
    c.update();
  }, [props.labels, props.series]);

  const last = props.series
    .map((s) => {
      const v = [...s.values].reverse().find((x) => x !== null && x !== undefined);
      return `${s.label}: ${v === undefined || v === null ? '—' : `${v} ${props.unit}`}`;
    })
    .join(', ');
  return (
    <figure className="chart">
      <figcaption>
        <strong>{props.title}</strong> <span className="muted small">{last}</span>
      </figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${props.title}. ${last}`} />
      </div>
    </figure>
  );
}

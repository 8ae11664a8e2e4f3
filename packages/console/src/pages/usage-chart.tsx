/** The daily chart of requests and charges, drawn by uPlot (a small, well-kept canvas chart library). */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface Day {
  /** Midnight UTC of the day, in seconds (uPlot's time unit). */
  at: number;
  requests: number;
  charge: number;
}

export function UsageChart({ days, label }: { days: Day[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const options: uPlot.Options = {
      width: element.clientWidth,
      height: 240,
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, usd: { auto: true } },
      series: [
        {},
        { label: 'Requests', stroke: '#2458d6', width: 2, fill: 'rgba(36,88,214,0.08)', scale: 'y' },
        { label: 'Charges (USD)', stroke: '#b3541e', width: 2, scale: 'usd', value: (_u, v) => (v == null ? '—' : `$${v.toFixed(4)}`) },
      ],
      axes: [{}, { scale: 'y', label: 'Requests' }, { scale: 'usd', side: 1, label: 'USD', grid: { show: false } }],
    };
    const plot = new uPlot(options, [days.map((d) => d.at), days.map((d) => d.requests), days.map((d) => d.charge)], element);
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days]);
  return <figure className="chart" ref={box} aria-label={label} />;
}

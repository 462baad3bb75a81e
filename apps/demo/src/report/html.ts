import { accuracyChart, benchChart, histogramChart, layerChart, sizeChart, type ChartData } from './charts.js';
import { renderSvg } from './svg.js';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** One self-contained HTML page (inline SVG charts, no scripts, no network) with the run's figures. */
export async function renderHtml(title: string, summary: ReadonlyArray<[string, string]>, table: string, charts: ChartData): Promise<string> {
  const specs = [
    ['accuracy', accuracyChart(charts.accuracy)],
    ['size', sizeChart(charts.sizes)],
    ['layers', charts.layers.length ? layerChart(charts.layers) : undefined],
    ['throughput', charts.bench.length ? benchChart(charts.bench) : undefined],
    ['histograms', charts.histograms.length ? histogramChart(charts.histograms) : undefined],
  ] as const;
  const figures = await Promise.all(specs.map(async ([name, spec]) => (spec ? `<figure data-chart="${name}">${await renderSvg(spec)}</figure>` : '')));
  const rows = summary.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left}
pre{background:#f6f6f6;padding:1em;overflow:auto}figure{margin:1.5em 0}</style></head>
<body><h1>${escape(title)}</h1>
<table>${rows}</table>
<h2>Per layer (paper's tables 2 and 3, ours beside the paper's)</h2><pre>${escape(table)}</pre>
${figures.filter(Boolean).join('\n')}
</body></html>
`;
}

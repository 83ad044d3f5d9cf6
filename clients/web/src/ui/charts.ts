// Bar charts (Chart.js, bundled) that always come with their data as a table:
// the table is what screen readers and printouts use, the chart is for a
// quick look.
import { html, type TemplateResult } from "lit";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { table } from "./parts";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const pending: (() => void)[] = [];
const live = new Map<string, Chart>();

// Draws the charts of the page just rendered.
export function drawCharts(): void {
  for (const draw of pending.splice(0)) draw();
}

export interface Series {
  label: string;
  values: number[];
}

function themeColour(n: number): string {
  const css = getComputedStyle(document.documentElement);
  return css.getPropertyValue(`--uuro-chart-${n}`).trim() || ["#0b5394", "#b45f06", "#38761d", "#741b47"][n % 4];
}

export function barChart(id: string, caption: string, labels: string[], series: Series[], format: (n: number) => string): TemplateResult {
  const height = Math.max(220, labels.length > 6 ? labels.length * 28 + 80 : 260);
  pending.push(() => {
    const canvas = document.getElementById(id) as HTMLCanvasElement | null;
    if (!canvas) return;
    // uurod's Content-Security-Policy refuses style attributes in markup;
    // the height is set through the DOM, which it allows.
    canvas.parentElement!.style.height = `${height}px`;
    live.get(id)?.destroy();
    live.set(
      id,
      new Chart(canvas, {
        type: "bar",
        data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: themeColour(i) })) },
        options: {
          indexAxis: labels.length > 6 ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { position: "bottom" } },
          // Every label shown: a chart that skips initiatives misleads.
          scales: { x: { ticks: { autoSkip: false } }, y: { ticks: { autoSkip: false } } },
        },
      }),
    );
  });
  return html`<figure class="uuro-figure">
    <figcaption class="utrecht-heading-3">${caption}</figcaption>
    <div class="uuro-chart"><canvas id=${id} role="img" aria-label=${caption}></canvas></div>
    ${table(caption, ["", ...series.map((s) => s.label)], labels.map((l, i) => [l, ...series.map((s) => format(s.values[i]))]), [false, ...series.map(() => true)], true)}
  </figure>`;
}

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js'
import { useEffect, useRef } from 'react'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend)

export interface Series {
  label: string
  /** Decimal strings from the API; turned into numbers only to draw bar heights. */
  values: string[]
  color: string
}

/**
 * A bar chart (Chart.js on a canvas) with the same figures as a table beside it: the canvas is a
 * picture for sighted users, the table is what screen readers and keyboard users read.
 */
export function BarChart({ title, labels, series, format }: { title: string; labels: string[]; series: Series[]; format: (value: string) => string }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (!canvas.current) return
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s) => ({ label: s.label, data: s.values.map(Number), backgroundColor: s.color, borderRadius: 4 })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        // Still pictures: screenshots and reduced-motion users get the final state at once.
        animation: false,
        plugins: {
          legend: { display: series.length > 1 },
          tooltip: {
            callbacks: { label: (ctx) => `${ctx.dataset.label}: ${format(String(series[ctx.datasetIndex]?.values[ctx.dataIndex] ?? ctx.parsed.y))}` },
          },
        },
        scales: { y: { beginAtZero: true } },
      },
    })
    return () => chart.destroy()
  }, [labels, series, format])

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={`${title}: bar chart; the figures are in the table that follows`} />
      </div>
      <details>
        <summary>Show the figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{title.split(' by ').pop() ?? 'Group'}</th>
              {series.map((s) => (
                <th key={s.label} scope="col" className="num">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.label} className="num">
                    {format(s.values[i] ?? '0')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

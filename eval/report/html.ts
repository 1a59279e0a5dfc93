// The offline HTML report: tables and inline SVG plots, no scripts or external resources.
import type { EvalReport } from './build.ts';
import { confusionSvg, costSvg, esc, fmt, histogramSvg, signalSvg } from './svg.ts';

const num = (x: number | null | undefined, unit = ''): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${fmt(x)}${unit}`);

/** Renders the report as one self-contained HTML page. */
export function renderHtml(r: EvalReport): string {
  const d = r.detection;
  const g = r.diagnosis;
  const names = Object.keys(r.policies) as (keyof EvalReport['policies'])[];
  const rows: [string, (p: NonNullable<EvalReport['policies'][keyof EvalReport['policies']]>) => string][] = [
    ['unplanned downtime, h', (p) => num(p.unplannedDowntimeHours)],
    ['planned downtime, h', (p) => num(p.plannedDowntimeHours)],
    ['failures (breakdowns)', (p) => String(p.failures)],
    ['work orders (breakdown)', (p) => `${p.workOrders} (${p.breakdownWorkOrders})`],
    ['maintenance + parts, EUR', (p) => num(p.maintenanceCostEur)],
    ['of which expedite surcharges, EUR', (p) => num(p.expediteSurchargeEur)],
    ['production lost, h', (p) => num(p.lostProductionHours)],
    ['production lost, EUR', (p) => num(p.productionLostEur)],
    ['late production orders', (p) => String(p.lateOrders)],
    ['total cost, EUR', (p) => num(p.totalCost)],
    ['saving vs reactive, EUR', (p) => num(p.savingVsReactiveEur)],
    ['wall time, s', (p) => num(p.wallSeconds)],
  ];
  const policyTable = `<table><tr><th></th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>${rows
    .map(([label, f]) => `<tr><td>${esc(label)}</td>${names.map((n) => `<td class="n">${f(r.policies[n]!)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
  const skipped = Object.entries(r.skipped).map(([k, v]) => `<li><b>${esc(k)}</b> not run: ${esc(v)}</li>`).join('');
  const lat = r.latency;
  const latTable = lat
    ? `<table><tr><th>stage (wall clock)</th><th>n</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th></tr>${Object.entries(lat)
        .map(([k, p]) => `<tr><td>${esc(k)}</td><td class="n">${p.n}</td><td class="n">${num(p.p50)}</td><td class="n">${num(p.p90)}</td><td class="n">${num(p.p99)}</td></tr>`)
        .join('')}</table>`
    : '<p>no predictive run</p>';
  const ex = r.example;
  const exampleSvg = ex
    ? signalSvg({
        title: `${ex.machine}: ${ex.fault}`,
        points: ex.series.map((p) => ({ ts: p.ts, a: p.score, b: p.feature })),
        aLabel: 'edge anomaly score',
        bLabel: ex.series.some((p) => p.feature !== null) ? ex.feature : 'no feature in the edge status messages',
        markers: [
          { atMs: ex.onsetMs, label: 'onset', color: '#777' },
          ...(ex.detectableMs !== null ? [{ atMs: ex.detectableMs, label: 'detectable', color: '#999' }] : []),
          ...(ex.alarmMs !== null ? [{ atMs: ex.alarmMs, label: 'alarm', color: '#d08000' }] : []),
          { atMs: ex.failedAtMs ?? ex.failureMs, label: ex.failedAtMs !== null ? 'failure' : 'failure (scheduled)', color: '#c00000' },
          ...(ex.repairedAtMs !== null ? [{ atMs: ex.repairedAtMs, label: 'repaired', color: '#208020' }] : []),
        ],
      })
    : '<p>no example incident (no predictive run or no status recorded)</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edge-pdm eval: ${esc(r.scenario.name)} seed ${r.scenario.seed}</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}h2{margin-top:1.6em}svg{display:block;margin:0.5em 0}</style>
</head><body>
<h1>edge-pdm evaluation: ${esc(r.scenario.name)}</h1>
<p>${esc(r.scenario.description)}</p>
<p>seed ${r.scenario.seed} (${r.scenario.seedSet} set) · ${num(r.scenario.durationHours)} simulated hours · ${r.scenario.machines} machines · ${r.scenario.machineFaults} machine faults · ${r.scenario.sensorFaults} sensor faults · generated ${esc(r.generatedAt)}</p>
${r.scenario.needs.length ? `<p><b>Knobs this scenario needs that the code does not have yet:</b> ${r.scenario.needs.map(esc).join('; ')}</p>` : ''}
<h2>Policies</h2>
<p>Production lost is valued at ${num(r.business.productionValuePerHourEur)} EUR per machine-hour; a breakdown loses production in the scheduled share (${num(r.business.productionShare)}) of its hours.</p>
${policyTable}${skipped ? `<ul>${skipped}</ul>` : ''}
${costSvg(names.map((n) => ({ name: n, maintenance: r.policies[n]!.maintenanceCostEur, production: r.policies[n]!.productionLostEur })))}
<h2>Detection (predictive)</h2>
${d ? `<table>
<tr><td>precision</td><td class="n">${num(d.precision)}</td></tr><tr><td>recall</td><td class="n">${num(d.recall)}</td></tr><tr><td>F1</td><td class="n">${num(d.f1)}</td></tr>
<tr><td>faults / detected / false alarms / late</td><td class="n">${d.faults} / ${d.detected} / ${d.falseAlarms} / ${d.lateAlarms}</td></tr>
<tr><td>median lead time, h</td><td class="n">${num(d.leadTimeMedianHours)}</td></tr><tr><td>median lead share of detectable interval</td><td class="n">${num(d.leadShareMedian)}</td></tr>
<tr><td>false alarms per machine-month</td><td class="n">${num(d.falseAlarmsPerMachineMonth)}</td></tr>
<tr><td>maintenance alarms / data-quality events</td><td class="n">${d.maintenanceAlarms} / ${d.qualityEvents}</td></tr>
<tr><td>sensor faults flagged / alarms during sensor faults</td><td class="n">${d.sensorFaultsFlagged} of ${d.sensorFaults} / ${d.alarmsDuringSensorFaults}</td></tr></table>
${histogramSvg(d.leadTimeHours, { title: 'detection lead time before failure', xLabel: 'hours before the scheduled failure' })}` : '<p>no predictive run</p>'}
<h2>Diagnosis</h2>
${g ? `<p>macro-F1 ${num(g.macroF1)} · accuracy ${num(g.accuracy)} over ${g.incidents} detected faults · RUL at first detection: n ${g.rul.n}, mean |error| ${num(g.rul.meanAbsErrorHours, ' h')}, median error ${num(g.rul.medianErrorHours, ' h')} (positive = predicted late)</p>
${confusionSvg(g.confusion, g.labels)}` : '<p>no predictive run</p>'}
<h2>Pipeline latency</h2>
${latTable}
<h2>Example incident</h2>
${exampleSvg}
</body></html>
`;
}

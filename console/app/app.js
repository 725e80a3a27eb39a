// The console's page: lessons, a lesson (README, run form, live chart, output, verdict, history,
// exercise), all from the JSON API and one Server-Sent Events stream. Plain JavaScript, served
// as is; uPlot (bundled from node_modules) draws the live chart.
const main = document.getElementById('main');
const status = document.getElementById('status');

const state = {
  current: null, // the run going: { id, lesson }
  runs: new Map(), // id → { lesson, lines: [], points: Map(label → { rps, phase, elapsed }), series, finished }
  view: null, // what the page shows: { kind: 'lessons' } | { kind: 'lesson', id, detail }
};

/** Children without the nulls that stand for "nothing here" (replaceChildren would print them). */
function nodes(...children) {
  return children.flat().filter((child) => child !== null && child !== undefined && child !== false);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: options.body ? { 'content-type': 'application/json' } : {}, ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

function runOf(id) {
  if (!state.runs.has(id)) state.runs.set(id, { lesson: null, lines: [], points: new Map(), times: [], series: new Map(), lockTimes: [], lock: new Map(), finished: null });
  return state.runs.get(id);
}

// ---- the event stream: one per tab; EventSource reconnects with Last-Event-ID by itself ----
const events = new EventSource('/api/events');
events.addEventListener('open', () => setStatus());
events.addEventListener('error', () => (status.textContent = 'reconnecting…'));
events.addEventListener('run-started', (e) => {
  const data = JSON.parse(e.data);
  const run = runOf(data.id);
  run.lesson = data.lesson;
  run.kind = data.kind ?? 'run';
  state.current = { id: data.id, lesson: data.lesson };
  setStatus();
  refreshLive();
});
events.addEventListener('line', (e) => {
  const data = JSON.parse(e.data);
  runOf(data.id).lines.push(data.text);
  appendTerminal(data.id, data.text);
});
events.addEventListener('progress', (e) => {
  const data = JSON.parse(e.data);
  const run = runOf(data.id);
  run.points.set(data.label, { phase: data.phase, elapsed: data.elapsedSec, total: data.totalSec, rps: data.rps });
  // The chart shows what is measured: warm-ups run at other connections, and are not.
  if (data.phase !== 'warm-up' && data.rps > 0) addSample(run, data.label, data.atMs, data.rps);
  refreshPoints(data.id);
});
events.addEventListener('point', (e) => {
  const data = JSON.parse(e.data);
  const run = runOf(data.id);
  run.points.set(data.label, { ...(run.points.get(data.label) ?? {}), phase: data.phase, summary: data.summary });
  refreshPoints(data.id);
});
events.addEventListener('round', (e) => {
  const data = JSON.parse(e.data);
  const run = runOf(data.id);
  const point = run.points.get(data.label) ?? {};
  run.points.set(data.label, { ...point, lockWait: data.lockWait });
  if (data.lock) {
    if (!run.lock.has(data.label)) run.lock.set(data.label, new Map());
    for (const sample of data.lock) {
      const t = Math.round(sample.atMs / 100) / 10;
      run.lock.get(data.label).set(t, sample.queue);
      if (!run.lockTimes.includes(t)) run.lockTimes.push(t);
    }
    drawLockChart(run);
  }
  refreshPoints(data.id);
});
for (const type of ['run-finished', 'run-failed', 'run-stopped']) {
  events.addEventListener(type, (e) => {
    const data = JSON.parse(e.data);
    const run = runOf(data.id);
    run.finished = { type, ...data };
    if (state.current?.id === data.id) state.current = null;
    setStatus();
    refreshLive();
    if (state.view?.kind === 'lesson' && state.view.id === run.lesson) void loadHistory(run.lesson);
  });
}

function setStatus() {
  status.textContent = state.current ? `running: lesson ${state.current.lesson} (${state.current.id})` : 'idle';
}

// ---- the live chart: each variant's req/s per second, on one time axis ----
function addSample(run, label, atMs, rps) {
  const t = Math.round(atMs / 100) / 10;
  if (!run.series.has(label)) run.series.set(label, new Map());
  run.series.get(label).set(t, rps);
  if (!run.times.includes(t)) run.times.push(t);
  drawChart(run);
}

const PALETTE = ['#0b6bcb', '#c62828', '#1a7f37', '#9a6700', '#6f42c1', '#0a7480', '#b35900', '#555'];

/**
 * Draws `series` (label → Map(second → value)) into the box `boxId` when it shows `run`: a line
 * per label on one time axis, updated in place while the labels stay the same.
 */
function plotSeries(run, boxId, series, times, { height, yAxis, scale, lineWidth, spanGaps, note }) {
  const box = document.getElementById(boxId);
  if (!box || typeof uPlot === 'undefined' || run !== state.runs.get(box.dataset.run) || series.size === 0) return;
  box.hidden = false;
  const labels = [...series.keys()];
  const sorted = [...times].sort((a, b) => a - b);
  const data = [sorted, ...labels.map((label) => sorted.map((t) => series.get(label).get(t) ?? null))];
  if (box.plot && box.plot.series.length === labels.length + 1) {
    box.plot.setData(data);
    return;
  }
  box.plot?.destroy();
  box.replaceChildren(...nodes(note ? el('div', { class: 'hint' }, note) : null));
  box.plot = new uPlot({
    width: box.clientWidth || 480,
    height,
    scales: { x: { time: false }, y: scale ?? {} },
    axes: [{ label: 's since Run' }, { label: yAxis, size: 70 }],
    series: [{ label: 's' }, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: lineWidth, spanGaps, points: { size: 5 } }))],
  }, data, box);
}

function drawChart(run) {
  // req/s on a log scale: a held lock's 20 and a free route's thousands on one chart; a variant's
  // rounds joined by a line across the other variants' turns.
  plotSeries(run, 'chart', run.series, run.times, { height: 220, yAxis: 'req/s (log scale)', scale: { distr: 3, log: 10 }, lineWidth: 2, spanGaps: true });
}

// The lock timeline (lock lessons): requests waiting for the lock, per variant, round by round.
function drawLockChart(run) {
  plotSeries(run, 'lock-chart', run.lock, run.lockTimes, { height: 160, yAxis: 'waiting', lineWidth: 1.5, spanGaps: false, note: 'requests waiting for the lock (sampled in each measured window)' });
}

function refreshPoints(id) {
  const box = document.getElementById('points');
  if (!box || box.dataset.run !== id) return;
  const run = state.runs.get(id);
  box.replaceChildren(...[...run.points.entries()].map(([label, p]) => el('div', {},
    el('strong', {}, label), ' ', el('span', { class: 'dim' }, p.summary ?? `${p.phase} ${Math.floor(p.elapsed ?? 0)}/${p.total ?? '?'} s · ${Math.round(p.rps ?? 0).toLocaleString('en')} req/s`),
    p.lockWait ? el('span', { class: 'dim' }, ` · lock wait p99 ${p.lockWait.p99Ms} ms, queue up to ${p.lockWait.maxQueue}`) : null)));
}

function appendTerminal(id, text) {
  const pre = document.getElementById('terminal');
  if (!pre || pre.dataset.run !== id) return;
  pre.textContent += `${text}\n`;
  pre.scrollTop = pre.scrollHeight;
}

// ---- pages ----
async function showLessons() {
  state.view = { kind: 'lessons' };
  const { lessons } = await api('/api/lessons');
  main.replaceChildren(
    el('h1', {}, 'Lessons'),
    el('table', { class: 'lessons' },
      el('tr', {}, el('th', {}, '#'), el('th', {}, 'lesson'), el('th', {}, 'story'), el('th', {}, 'exercise')),
      lessons.map((l) => el('tr', {},
        el('td', {}, l.id),
        el('td', {}, el('a', { href: `#/lesson/${l.id}` }, l.title), l.kind === 'command' ? el('span', { class: 'dim' }, ' · a timed command') : null),
        el('td', { class: 'dim' }, l.story),
        el('td', {}, l.exercise === null ? el('span', { class: 'dim' }, '–')
          : l.exercise.passed ? el('span', { class: 'badge good' }, 'passed')
            : l.exercise.lastOutcome ? el('span', { class: 'badge warn' }, `last: ${l.exercise.lastOutcome}`) : el('span', { class: 'badge' }, 'not tried'))))),
    el('p', { class: 'dim' }, 'Open a lesson to read it, run it, and watch its variants live.'),
  );
}

function field(label, input, hint) {
  return [el('label', { for: input.id }, label), el('div', {}, input, hint ? el('div', { class: 'hint' }, hint) : null)];
}

async function showLesson(id) {
  const detail = await api(`/api/lessons/${id}`);
  state.view = { kind: 'lesson', id, detail };
  const form = el('form', { class: 'run', id: 'run-form', onsubmit: (e) => { e.preventDefault(); void startRun(detail); } });
  for (const spec of detail.params) {
    form.append(...field(spec.name, el('input', { type: 'number', id: `param-${spec.name}`, name: spec.name, value: spec.default, min: spec.min, max: spec.max, step: 'any' }),
      `${spec.description} (${spec.min}–${spec.max})`));
  }
  form.append(...field('quick', el('input', { type: 'checkbox', id: 'opt-quick', checked: true }), 'a short smoke run'));
  form.append(...field('rounds', el('input', { type: 'number', id: 'opt-rounds', min: 1, max: 20, placeholder: 'default' }), '1–20'));
  if (detail.kind === 'load') {
    form.append(...field('driver', el('select', { id: 'opt-driver' }, el('option', { value: '' }, detail.load.preferredDriver ? `lesson's choice (${detail.load.preferredDriver.driver} if installed)` : 'autocannon (default)'),
      detail.choices.drivers.map((d) => el('option', { value: d }, d)))));
    const preferred = detail.load.preferredDriver;
    const defaultConnections = preferred?.connections !== undefined ? `${detail.load.connections} (${preferred.connections} with ${preferred.driver})` : String(detail.load.connections);
    form.append(...field('connections', el('input', { type: 'number', id: 'opt-connections', min: detail.choices.limits.connections[0], max: detail.choices.limits.connections[1], placeholder: defaultConnections }),
      `${detail.choices.limits.connections[0]}–${detail.choices.limits.connections[1]}`));
    form.append(...field('profile', el('select', { id: 'opt-profile' }, el('option', { value: '' }, `lesson's default (${detail.profile})`), detail.choices.profiles.map((p) => el('option', { value: p }, p)))));
  }
  const runButton = el('button', { class: 'primary', type: 'submit', id: 'run-button' }, 'Run');
  const stopButton = el('button', { type: 'button', id: 'stop-button', onclick: () => void stopRun() }, 'Stop');
  form.append(el('div'), el('div', { class: 'buttons' }, runButton, stopButton));
  const exercise = detail.hasExercise ? el('div', { class: 'panel', id: 'exercise' },
    el('h2', {}, 'Exercise'),
    el('p', { class: 'dim' }, `Edit lessons/${detail.slug}/exercise.ts, then check it.`),
    el('div', { class: 'buttons' },
      el('button', { type: 'button', id: 'check-button', onclick: () => void checkExercise(detail) }, 'Check'),
      el('button', { type: 'button', onclick: () => void tutor(detail, 'hint') }, 'Hint'),
      el('button', { type: 'button', onclick: () => void tutor(detail, 'reset') }, 'Reset')),
    el('pre', { class: 'terminal', id: 'tutor', hidden: true })) : null;
  main.replaceChildren(...nodes(
    el('p', {}, el('a', { href: '#/' }, '← lessons')),
    el('div', { class: 'lesson' },
      el('article', { class: 'readme', id: 'readme' }),
      el('div', {},
        el('div', { class: 'panel' }, el('h2', {}, `Run lesson ${detail.id}`), form, el('div', { class: 'error', id: 'run-error' })),
        el('div', { class: 'panel', id: 'live' }),
        exercise,
        el('div', { class: 'panel' }, el('h2', {}, 'Runs of this lesson'), el('div', { id: 'history' }, el('span', { class: 'dim' }, 'loading…')))))));
  // The README is the project's own Markdown, rendered by the server (marked).
  document.getElementById('readme').innerHTML = detail.readmeHtml;
  refreshLive();
  await loadHistory(id);
}

function latestRunOf(lessonId) {
  let latest = null;
  for (const [id, run] of state.runs) if (run.lesson === lessonId) latest = id;
  return latest;
}

function refreshLive() {
  const live = document.getElementById('live');
  if (!live || state.view?.kind !== 'lesson') return;
  const id = latestRunOf(state.view.id);
  const busy = state.current !== null;
  for (const button of ['run-button', 'check-button']) {
    const b = document.getElementById(button);
    if (b) b.disabled = busy;
  }
  const stop = document.getElementById('stop-button');
  if (stop) stop.disabled = !(busy && state.current.lesson === state.view.id);
  if (!id) {
    const idle = state.view.detail.kind === 'command'
      ? 'Press Run: each step\'s runs appear here as they finish, then the table and the verdict.'
      : 'Press Run: each variant\'s req/s appears here, second by second.';
    live.replaceChildren(el('h2', {}, 'Live'), el('p', { class: 'dim' }, busy ? `lesson ${state.current.lesson} is running` : idle));
    return;
  }
  const run = state.runs.get(id);
  const end = run.finished;
  const verdictWord = !end ? 'running…' : end.type === 'run-stopped' ? 'stopped' : end.type === 'run-failed' ? 'failed'
    : !end.valid ? 'invalid' : end.verdict;
  live.replaceChildren(...nodes(
    el('h2', {}, `Live · ${id}`),
    el('div', { class: `verdict ${verdictWord}`, id: 'verdict' }, end ? `verdict: ${verdictWord}` : 'running…'),
    end?.message ? el('div', { class: 'error' }, end.message) : null,
    end?.outcome ? el('div', {}, `exercise: ${end.outcome}`) : null,
    end?.pageUrl || end?.recordUrl ? el('p', {},
      end.pageUrl ? el('a', { href: end.pageUrl, target: '_blank', id: 'compare-link' }, 'open the run\'s graphs (compare page)') : null,
      end.pageUrl && end.recordUrl ? ' · ' : null,
      end.recordUrl ? el('a', { href: end.recordUrl, target: '_blank' }, 'the record') : null) : null,
    el('div', { class: 'chart', id: 'chart', 'data-run': id }),
    el('div', { class: 'chart', id: 'lock-chart', 'data-run': id, hidden: true }),
    el('div', { class: 'points', id: 'points', 'data-run': id }),
    el('pre', { class: 'terminal', id: 'terminal', 'data-run': id }, run.lines.join('\n') + (run.lines.length ? '\n' : ''))));
  drawChart(run);
  drawLockChart(run);
  refreshPoints(id);
}

async function loadHistory(id) {
  const box = document.getElementById('history');
  if (!box) return;
  const { runs } = await api(`/api/lessons/${id}/runs`);
  if (runs.length === 0) {
    box.replaceChildren(el('span', { class: 'dim' }, 'none yet'));
    return;
  }
  box.replaceChildren(el('table', {}, el('tr', {}, el('th', {}, 'run'), el('th', {}, 'verdict'), el('th', {}, 'headline')),
    runs.slice(0, 15).map((r) => el('tr', {},
      el('td', {}, r.pageUrl ? el('a', { href: r.pageUrl, target: '_blank' }, r.runId) : r.runId, r.exercise ? el('span', { class: 'dim' }, ' (exercise)') : null),
      el('td', {}, el('span', { class: `badge ${r.status !== 'complete' || !r.valid ? 'bad' : r.verdict === 'agrees' ? 'good' : 'warn'}` }, r.status !== 'complete' ? r.status : !r.valid ? 'invalid' : r.verdict)),
      el('td', { class: 'dim' }, r.headline ?? (r.speedup ? `speedup ${r.speedup}x` : ''))))));
}

function runRequest(detail) {
  const value = (id) => document.getElementById(id)?.value ?? '';
  const params = {};
  for (const spec of detail.params) params[spec.name] = Number(value(`param-${spec.name}`));
  const options = { quick: document.getElementById('opt-quick').checked };
  for (const name of ['rounds', 'connections']) if (value(`opt-${name}`) !== '') options[name] = Number(value(`opt-${name}`));
  for (const name of ['driver', 'profile']) if (value(`opt-${name}`) !== '') options[name] = value(`opt-${name}`);
  return { lesson: detail.id, params, options };
}

async function startRun(detail) {
  const error = document.getElementById('run-error');
  error.textContent = '';
  try {
    await api('/api/runs', { method: 'POST', body: JSON.stringify(runRequest(detail)) });
  } catch (e) {
    error.textContent = e.message;
  }
}

async function stopRun() {
  if (!state.current) return;
  try {
    await api(`/api/runs/${state.current.id}/stop`, { method: 'POST' });
  } catch (e) {
    document.getElementById('run-error').textContent = e.message;
  }
}

async function checkExercise(detail) {
  const error = document.getElementById('run-error');
  error.textContent = '';
  try {
    await api(`/api/lessons/${detail.id}/exercise/check`, { method: 'POST', body: JSON.stringify({ quick: document.getElementById('opt-quick').checked }) });
  } catch (e) {
    error.textContent = e.message;
  }
}

async function tutor(detail, action) {
  // The CLI's --reset keeps the learner's version aside; still, ask before touching their file.
  if (action === 'reset' && !window.confirm(`Put lessons/${detail.slug}/exercise.ts back to its start? Your version is kept aside (the output below says where).`)) return;
  const out = document.getElementById('tutor');
  out.hidden = false;
  try {
    const { lines } = await api(`/api/lessons/${detail.id}/exercise/${action}`, { method: 'POST', body: '{}' });
    out.textContent = lines.join('\n');
  } catch (e) {
    out.textContent = e.message;
  }
}

async function route() {
  const match = /^#\/lesson\/(\d+)$/.exec(location.hash);
  try {
    if (match) await showLesson(Number(match[1]));
    else await showLessons();
  } catch (e) {
    main.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

window.addEventListener('hashchange', () => void route());
void api('/api/status').then(({ current }) => {
  state.current = current;
  setStatus();
});
void route();

// weft playground: the page. Plain JavaScript, no build step, nothing fetched from elsewhere.
// The server runs weft's code on the simulator; this file only asks it to move and draws what it
// answers. One virtual time unit reads as one millisecond.
'use strict';

const SPEEDS = [10, 25, 50, 100, 200, 400, 1000, 2500, 6000]; // virtual ms per real second
const DEFAULT_SPEED = { raft: 4, clocks: 3, snapshot: 3 };
const SVG_NS = 'http://www.w3.org/2000/svg';

const app = {
  view: 'raft',
  states: {},
  playing: false,
  busy: false,
  target: 0,
  lastFrame: null,
  speed: { ...DEFAULT_SPEED },
  selection: { clocks: null, snapshot: null },
  causality: { clocks: null, snapshot: null },
  causalityAt: { clocks: -1, snapshot: -1 },
  bannerTimer: null,
};

// ---- the API -------------------------------------------------------------------------------

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json();
  if (!response.ok) {
    throw new Error(data.error || response.status + ' ' + response.statusText);
  }
  return data;
}

const api = {
  state: view => call('GET', `/api/${view}/state`),
  post: (view, op, body) => call('POST', `/api/${view}/${op}`, body || {}),
  export: view => call('GET', `/api/${view}/export`),
  causality: (view, id) => call('GET', `/api/${view}/causality?event=${encodeURIComponent(id)}`),
};

async function act(body) {
  try {
    show(await api.post(app.view, 'action', body));
  } catch (e) {
    banner(e.message);
  }
}

// ---- helpers -------------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const fmt = n => Number(n).toLocaleString('en-US');
const termColor = t => `hsl(${(t * 67 + 190) % 360}, 62%, 78%)`;
const SNAP_COLORS = ['#d6453a', '#7b3fd1', '#1f9e89', '#e8871e', '#2f6fdb', '#a83279'];
const snapColor = id => SNAP_COLORS[(id - 1) % SNAP_COLORS.length];

function banner(text, kind) {
  const b = $('#banner');
  b.textContent = text;
  b.className = kind || '';
  b.hidden = false;
  clearTimeout(app.bannerTimer);
  if (kind !== 'violation') {
    app.bannerTimer = setTimeout(() => { b.hidden = true; }, 6000);
  }
}

function clearBanner() {
  clearTimeout(app.bannerTimer);
  $('#banner').hidden = true;
}

// ---- controls ------------------------------------------------------------------------------

function setPlaying(on) {
  const st = app.states[app.view];
  if (on && st && (st.stopped || st.pending === 0)) {
    on = false;
  }
  app.playing = on;
  app.lastFrame = null;
  if (st) {
    app.target = st.time;
  }
  $('#play').innerHTML = on ? '&#10073;&#10073; Pause' : '&#9654; Play';
  $('#play').classList.toggle('playing', on);
}

function setSpeed(i) {
  app.speed[app.view] = i;
  $('#speed').value = i;
  const ms = SPEEDS[i];
  $('#speed-label').textContent = (ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 }) + '\u00d7';
  $('#speed-label').title = `${ms} virtual ms per second`;
}

async function setView(view) {
  setPlaying(false);
  app.view = view;
  if (location.hash !== '#' + view) history.replaceState(null, '', '#' + view);
  for (const t of $$('#tabs .tab')) {
    t.classList.toggle('active', t.dataset.view === view);
  }
  for (const v of $$('.view')) {
    v.hidden = v.id !== 'view-' + view;
  }
  setSpeed(app.speed[view]);
  clearBanner();
  try {
    show(await api.state(view));
  } catch (e) {
    banner(e.message);
  }
}

function frame(ts) {
  const st = app.states[app.view];
  if (app.playing && st) {
    if (app.lastFrame !== null) {
      app.target += ((ts - app.lastFrame) / 1000) * SPEEDS[app.speed[app.view]];
    }
    app.lastFrame = ts;
    const to = Math.floor(app.target);
    if (!app.busy && to > st.time) {
      app.busy = true;
      api.post(app.view, 'advance', { to })
        .then(show)
        .catch(e => { banner(e.message); setPlaying(false); })
        .finally(() => { app.busy = false; });
    }
  }
  requestAnimationFrame(frame);
}

function wireControls() {
  for (const t of $$('#tabs .tab')) {
    t.addEventListener('click', () => setView(t.dataset.view));
  }
  $('#play').addEventListener('click', () => setPlaying(!app.playing));
  $('#step').addEventListener('click', async () => {
    setPlaying(false);
    try { show(await api.post(app.view, 'step')); } catch (e) { banner(e.message); }
  });
  $('#speed').addEventListener('input', e => setSpeed(Number(e.target.value)));
  $('#reset').addEventListener('click', async () => {
    setPlaying(false);
    const seed = $('#seed').value.trim();
    app.selection[app.view] = null;
    app.causality[app.view] = null;
    try {
      clearBanner();
      show(await api.post(app.view, 'reset', seed === '' ? {} : { seed }));
    } catch (e) { banner(e.message); }
  });
  $('#export').addEventListener('click', async () => {
    try {
      const run = await api.export(app.view);
      const blob = new Blob([JSON.stringify(run, null, 2)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `weft-${run.view}-seed${run.seed}.json`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    } catch (e) { banner(e.message); }
  });
  $('#import').addEventListener('change', async e => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    setPlaying(false);
    try {
      const run = JSON.parse(await file.text());
      const view = Views.includes(run.view) ? run.view : app.view;
      const st = await api.post(view, 'import', run);
      if (view !== app.view) await setView(view);
      show(st);
      banner(`Replayed ${file.name}: ${fmt(st.eventsRun)} events, the same fingerprint ${st.fingerprint}.`);
    } catch (err) { banner('Replay failed: ' + err.message); }
  });
  document.addEventListener('keydown', e => {
    if (e.key === ' ' && !['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(document.activeElement.tagName)) {
      e.preventDefault();
      setPlaying(!app.playing);
    }
  });
  // Every [data-action] control in a view sends its action, with the fields of its row.
  for (const b of $$('.view [data-action]')) {
    b.addEventListener('click', () => actionFrom(b));
  }
}

const Views = ['raft', 'clocks', 'snapshot'];

function actionFrom(button) {
  const type = button.dataset.action;
  const body = { type };
  if (button.dataset.node) body.node = button.dataset.node;
  const row = button.closest('.row');
  if (row) {
    for (const s of $$('select[data-field]', row)) body[s.dataset.field] = s.value;
  }
  if (type === 'drop-link' || type === 'delay-link') {
    body.from = $('#link-from').value;
    body.to = $('#link-to').value;
    body.both = $('#link-both').checked;
  } else if (type === 'propose') {
    body.command = $('#command').value;
  }
  act(body);
}

// ---- drawing: common -----------------------------------------------------------------------

function show(st) {
  app.states[st.view] = st;
  if (st.view !== app.view) return;
  if (!app.playing || app.target < st.time) app.target = st.time;
  if (document.activeElement !== $('#seed')) $('#seed').value = st.seed;
  $('#clock').textContent = `t = ${fmt(st.time)} ms \u00b7 ${fmt(st.eventsRun)} events`;
  $('#clock').title = `fingerprint ${st.fingerprint}; ${st.actions} actions`;
  for (const el of $$(`#view-${st.view} [data-action]`)) {
    el.hidden = !st.capabilities.includes(el.dataset.action);
  }
  if (st.stopped) {
    banner('Run stopped. ' + st.stopped, 'violation');
    setPlaying(false);
  } else if (st.pending === 0 && app.playing) {
    setPlaying(false);
    banner('The run is over: nothing is left to happen. Act, or reset with another seed.');
  }
  if (st.view === 'raft') {
    drawRaft(st);
  } else {
    drawDiagram(st);
  }
}

function storyItems(lines, limit) {
  return lines.slice(-limit).reverse()
    .map(l => `<li class="${l.text.startsWith('STOPPED') ? 'stop' : ''}"><b>${fmt(l.time)}</b> ${esc(l.text)}</li>`)
    .join('');
}

// ---- drawing: Raft -------------------------------------------------------------------------

const CX = 225, CY = 212, RING = 146, NODE_R = 34;
const ROLE_FILL = { LEADER: '#f6c343', CANDIDATE: '#f39a4c', PRE_CANDIDATE: '#f8cfa2', FOLLOWER: '#c9daf0', DOWN: '#9aa1ad' };
const ROLE_TEXT = { LEADER: 'leader', CANDIDATE: 'candidate', PRE_CANDIDATE: 'pre-candidate', FOLLOWER: 'follower', DOWN: 'down' };
const MSG_COLOR = {
  prevote: '#b48ee6', vote: '#7b3fd1', 'append-entries': '#2f6fdb', append: '#8fb3d9', heartbeat: '#8fb3d9',
  'append-ok': '#1f9e52', 'heartbeat-ok': '#7cc79a', 'prevote-granted': '#1f9e52', 'vote-granted': '#1f9e52',
  'append-reject': '#d6453a', 'prevote-refused': '#d6453a', 'vote-refused': '#d6453a', 'timeout-now': '#e0559b', other: '#667085',
};
const GROUP_RING = ['none', '#9b6bd3', '#1f9e89'];

// Actions on one node, drawn in its row when the server lists them in its capabilities.
// Transfer hands leadership to this node; add makes a node outside the group a learner, which
// the server promotes to voter once it has caught up; remove takes it out (the leader too).
const NODE_ACTIONS = [
  { type: 'crash', label: 'Crash', when: n => n.up },
  { type: 'restart', label: 'Restart', when: n => !n.up },
  { type: 'transfer', label: 'Lead', title: 'hand leadership to this node', when: (n, st) => n.up && st.leader && n.id !== st.leader && n.member === 'voter' },
  { type: 'remove-member', label: 'Remove', title: 'remove this node from the group', when: (n, st) => st.leader && !!n.member },
  { type: 'add-member', label: 'Add', title: 'add this node back: a learner first, a voter once caught up', when: (n, st) => st.leader && !n.member },
];

const MEMBER_TEXT = { voter: '', learner: 'learner', outgoing: 'leaving', null: 'not a member' };

function nodePos(i) {
  const a = -Math.PI / 2 + (i * 2 * Math.PI) / 5;
  return { x: CX + RING * Math.cos(a), y: CY + RING * Math.sin(a) };
}

function groupOf(st, id) {
  if (!st.groups) return 0;
  return st.groups.findIndex(g => g.includes(id));
}

function drawRaft(st) {
  drawCluster(st);
  drawNodeTable(st);
  drawZones(st);
  const ids = st.nodes.map(n => n.id);
  for (const sel of [$('#link-from'), $('#link-to')]) {
    if (sel.options.length !== ids.length) {
      sel.innerHTML = ids.map(id => `<option>${id}</option>`).join('');
    }
  }
  if ($('#link-to').selectedIndex === 0 && $('#link-from').selectedIndex === 0) $('#link-to').selectedIndex = 1;
  $('#committed').innerHTML = st.committed
    .map(c => `<li data-command="${esc(c.command)}" data-index="${c.index}" style="background:${termColor(c.term)}" title="index ${c.index}, term ${c.term}">${c.index}: ${esc(c.command)}</li>`)
    .join('') || '<li class="none">nothing yet</li>';
  const broken = st.stopped ? st.stopped.split(':')[0] : null;
  $('#checks').textContent = `after each of ${fmt(st.safety.checks)} events`;
  $('#safety').innerHTML = st.safety.properties
    .map(p => `<li class="${p.name === broken ? 'broken' : ''}" data-property="${esc(p.name)}">${esc(p.name)}<small>${esc(p.name === broken ? st.stopped.slice(broken.length + 2) : p.meaning)}</small></li>`)
    .join('');
  $('#story').innerHTML = storyItems(st.story, 16);
}

function drawCluster(st) {
  const pos = {};
  st.nodes.forEach((n, i) => { pos[n.id] = nodePos(i); });
  const parts = [];
  const leader = st.leader;
  parts.push(`<text id="leader" class="title" x="12" y="22" data-leader="${leader || ''}">${leader ? `Leader: ${leader} \u00b7 term ${st.leaderTerm}` : 'No leader'}</text>`);
  const ms = st.membership;
  const cfg = [`voters: ${ms.voters.join(' ')}`];
  if (ms.learners.length) cfg.push(`learners: ${ms.learners.join(' ')}`);
  if (ms.joint) cfg.push(`joint with: ${ms.outgoingVoters.join(' ')}`);
  parts.push(`<text id="membership" class="config" x="12" y="40" data-voters="${ms.voters.join(' ')}" data-learners="${ms.learners.join(' ')}" data-joint="${ms.joint}">`
    + cfg.map((line, i) => `<tspan x="12" dy="${i ? 15 : 0}">${line}</tspan>`).join('') + '</text>');
  // links: within a group, light; a cut or slow link coloured on its own lane
  const lane = (a, b) => {
    const dx = pos[b].x - pos[a].x, dy = pos[b].y - pos[a].y, len = Math.hypot(dx, dy);
    const side = a < b ? 1 : -1;
    return { ox: (-dy / len) * 4 * side, oy: (dx / len) * 4 * side, ux: dx / len, uy: dy / len, len };
  };
  for (let i = 0; i < st.nodes.length; i++) {
    for (let j = i + 1; j < st.nodes.length; j++) {
      const a = st.nodes[i].id, b = st.nodes[j].id;
      if (groupOf(st, a) === groupOf(st, b)) {
        parts.push(`<line class="link" x1="${pos[a].x}" y1="${pos[a].y}" x2="${pos[b].x}" y2="${pos[b].y}"/>`);
      }
    }
  }
  for (const l of st.links) {
    const L = lane(l.from, l.to);
    const x1 = pos[l.from].x + L.ux * NODE_R + L.ox, y1 = pos[l.from].y + L.uy * NODE_R + L.oy;
    const x2 = pos[l.to].x - L.ux * (NODE_R + 4) + L.ox, y2 = pos[l.to].y - L.uy * (NODE_R + 4) + L.oy;
    parts.push(`<line class="link ${l.state}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"><title>${l.from}\u2192${l.to}: ${l.state === 'cut' ? 'every message dropped' : 'messages delayed'}</title></line>`);
  }
  // nodes
  st.nodes.forEach(n => {
    const p = pos[n.id];
    const g = groupOf(st, n.id);
    if (g > 0) {
      parts.push(`<circle cx="${p.x}" cy="${p.y}" r="${NODE_R + 6}" fill="none" stroke="${GROUP_RING[g]}" stroke-width="4"/>`);
    }
    const fill = ROLE_FILL[n.role] || '#ddd';
    parts.push(`<g class="node" data-node="${n.id}" data-role="${n.role}">`
      + `<circle cx="${p.x}" cy="${p.y}" r="${NODE_R}" fill="${fill}" stroke="${n.role === 'LEADER' ? '#9a6a00' : '#5b6b82'}" stroke-width="${n.role === 'LEADER' ? 3 : 1.5}"${n.member === 'voter' ? '' : ' stroke-dasharray="5 3"'}/>`
      + `<text class="node-id" x="${p.x}" y="${p.y - 3}" text-anchor="middle">${n.id}</text>`
      + `<text class="node-sub" x="${p.x}" y="${p.y + 13}" text-anchor="middle">term ${n.term}</text>`
      + (n.up ? '' : `<line x1="${p.x - 22}" y1="${p.y - 22}" x2="${p.x + 22}" y2="${p.y + 22}" stroke="#4b5261" stroke-width="3"/>`)
      + `<text x="${p.x}" y="${p.y + NODE_R + 16}" text-anchor="middle" class="node-role">${ROLE_TEXT[n.role] || n.role}${MEMBER_TEXT[n.member] ? ' \u00b7 ' + MEMBER_TEXT[n.member] : ''}</text>`
      + `<title>${n.id}: ${ROLE_TEXT[n.role] || n.role}, term ${n.term}, voted ${n.vote || 'nobody'}, commit ${n.commit}</title></g>`);
  });
  // messages in flight
  for (const m of st.messages) {
    if (!pos[m.from] || !pos[m.to]) continue;
    const f = Math.min(1, Math.max(0, (st.time - m.sent) / Math.max(1, m.arrive - m.sent)));
    const L = lane(m.from, m.to);
    const span = L.len - 2 * NODE_R;
    const x = pos[m.from].x + L.ux * (NODE_R + f * span) + L.ox;
    const y = pos[m.from].y + L.uy * (NODE_R + f * span) + L.oy;
    const r = m.kind === 'append-entries' || m.kind === 'vote' ? 6 : 4.5;
    parts.push(`<circle class="msg" data-kind="${m.kind}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${MSG_COLOR[m.kind] || '#667085'}"><title>${esc(m.text)}</title></circle>`);
  }
  for (const l of st.lost) {
    if (st.time - l.time > 60 || !pos[l.from] || !pos[l.to]) continue;
    const L = lane(l.from, l.to);
    const x = pos[l.to].x - L.ux * (NODE_R + 12) + L.ox, y = pos[l.to].y - L.uy * (NODE_R + 12) + L.oy;
    parts.push(`<path class="lost" d="M${x - 4},${y - 4}L${x + 4},${y + 4}M${x - 4},${y + 4}L${x + 4},${y - 4}"><title>lost on ${l.from}\u2192${l.to}</title></path>`);
  }
  const legend = [['vote', 'vote request'], ['append-entries', 'entries'], ['heartbeat', 'heartbeat'], ['append-ok', 'reply'], ['vote-refused', 'refusal']];
  let lx = 12;
  parts.push('<g class="legend">');
  for (const [k, label] of legend) {
    parts.push(`<circle cx="${lx + 5}" cy="423" r="5" fill="${MSG_COLOR[k]}"/><text x="${lx + 14}" y="427">${label}</text>`);
    lx += 26 + label.length * 6.2;
  }
  parts.push('</g>');
  $('#cluster').innerHTML = parts.join('');
}

function drawNodeTable(st) {
  const body = $('#nodes tbody');
  if (body.rows.length !== st.nodes.length) {
    body.innerHTML = st.nodes.map(n => `<tr id="node-${n.id}"><td><b>${n.id}</b><small class="member"></small></td><td class="role"></td><td class="num term"></td><td class="vote"></td><td class="num commit"></td><td class="log-cell"><div class="log"></div></td><td class="actions"></td></tr>`).join('');
    body.addEventListener('click', e => {
      const b = e.target.closest('button[data-action]');
      if (b) actionFrom(b);
    });
  }
  st.nodes.forEach(n => {
    const row = $('#node-' + n.id);
    row.classList.toggle('down', !n.up);
    const role = $('.role', row);
    role.className = 'role ' + n.role;
    setText(role, ROLE_TEXT[n.role] || n.role);
    setText($('.member', row), MEMBER_TEXT[n.member] || '');
    row.classList.toggle('outside', !n.member);
    setText($('.term', row), n.term);
    setText($('.vote', row), n.vote || '\u2013');
    setText($('.commit', row), n.commit);
    const sig = JSON.stringify([n.log, n.commit]);
    const log = $('.log', row);
    if (log.dataset.sig !== sig) {
      log.dataset.sig = sig;
      const first = n.log.length ? n.log[0].index : 1;
      log.innerHTML = (first > 1 ? `<span class="more" title="${first - 1} earlier entries">\u2026</span>` : '')
        + n.log.map(e => {
          const committed = e.index <= n.commit;
          const text = e.membership ? 'cfg' : e.command === undefined || e.command === null ? `t${e.term}` : e.command;
          const what = e.membership ? 'configuration: ' + e.membership : e.command == null ? "the leader's no-op" : e.command;
          return `<span class="entry ${committed ? 'committed' : 'uncommitted'} ${e.command == null ? 'noop' : ''}${e.membership ? ' config' : ''}" data-index="${e.index}" data-term="${e.term}" style="background:${termColor(e.term)}" title="index ${e.index}, term ${e.term}: ${esc(what)}${committed ? '' : ' (not known committed here)'}">${esc(text)}</span>`;
        }).join('');
    }
    // node actions: update in place, so that a click is never lost to a redraw
    const cell = $('.actions', row);
    const wanted = NODE_ACTIONS.filter(a => st.capabilities.includes(a.type) && a.when(n, st));
    const sigA = wanted.map(a => a.type).join(',');
    if (cell.dataset.sig !== sigA) {
      cell.dataset.sig = sigA;
      cell.innerHTML = wanted.map(a => `<button data-action="${a.type}" data-node="${n.id}"${a.title ? ` title="${a.title}"` : ''}>${a.label}</button>`).join(' ');
    }
  });
}

function setText(el, text) {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}

// Partition zones: drag node chips between three groups with pointer events.
const drag = { chip: null, ghost: null };

function drawZones(st) {
  if (drag.chip) return;
  const sig = JSON.stringify([st.groups, st.nodes.map(n => n.up)]);
  const zones = $('#zones');
  if (zones.dataset.sig === sig) return;
  zones.dataset.sig = sig;
  for (const z of $$('.zone')) z.innerHTML = '';
  for (const n of st.nodes) {
    const g = Math.max(0, groupOf(st, n.id));
    const chip = document.createElement('span');
    chip.className = 'chip' + (n.up ? '' : ' down');
    chip.dataset.node = n.id;
    chip.textContent = n.id;
    chip.title = 'drag to another group to partition';
    $('#zone-' + Math.min(g, 2)).appendChild(chip);
  }
}

function wireZones() {
  const zones = $('#zones');
  zones.addEventListener('pointerdown', e => {
    const chip = e.target.closest('.chip');
    if (!chip) return;
    e.preventDefault();
    drag.chip = chip;
    drag.ghost = chip.cloneNode(true);
    drag.ghost.classList.add('dragging');
    document.body.appendChild(drag.ghost);
    moveGhost(e);
  });
  document.addEventListener('pointermove', e => { if (drag.chip) moveGhost(e); });
  document.addEventListener('pointerup', e => {
    if (!drag.chip) return;
    const chip = drag.chip;
    drag.ghost.remove();
    drag.chip = null;
    drag.ghost = null;
    for (const z of $$('.zone')) z.classList.remove('over');
    const target = document.elementFromPoint(e.clientX, e.clientY);
    const zone = target && target.closest('.zone');
    if (!zone || zone.contains(chip)) return;
    zone.appendChild(chip);
    const groups = $$('.zone').map(z => $$('.chip', z).map(c => c.dataset.node)).filter(g => g.length);
    $('#zones').dataset.sig = '';
    act(groups.length > 1 ? { type: 'partition', groups } : { type: 'heal' });
  });
}

function moveGhost(e) {
  drag.ghost.style.left = e.clientX - 14 + 'px';
  drag.ghost.style.top = e.clientY - 11 + 'px';
  const under = document.elementFromPoint(e.clientX, e.clientY);
  for (const z of $$('.zone')) z.classList.toggle('over', !!under && z.contains(under));
}

// ---- drawing: space-time diagrams (Clocks, Snapshot) ---------------------------------------

const LEFT = 78, TOP = 46;
const ROW_H = { clocks: 122, snapshot: 100 };

function vectorText(v) {
  return '(' + v.join(',') + ')';
}

// How wide an event's labels are, so that neighbours on one line never overlap.
function eventWidth(e, view) {
  if (e.kind === 'marker') return 6;
  if (e.kind === 'record') return 24;
  if (view === 'snapshot') return e.id.length * 7 + 4;
  return Math.max(e.id.length * 7, (String(e.lamport).length + 2) * 7, vectorText(e.vector).length * 6.4) + 4;
}

// x of each event: proportional to time, at a scale that fits the whole run in the window,
// pushed right where a line's events would otherwise overlap (so later times shift right too).
function layout(st, view, available) {
  const span = st.horizon + st.latency[1];
  let scale = Math.max(0.4, (available - LEFT - 70) / span);
  let L = layoutAt(st, view, scale);
  // Pushing events apart widens the run; shrink the scale until the whole run fits again.
  for (let i = 0; i < 4 && scale > 0.4; i++) {
    const end = L.timeToX(Math.max(span, L.lastTime));
    if (end <= available - 40) break;
    scale = Math.max(0.4, scale * (available - 40 - LEFT) / (end - LEFT));
    L = layoutAt(st, view, scale);
  }
  return L;
}

function layoutAt(st, view, scale) {
  const names = st.processes.map(p => p.name);
  const rowH = ROW_H[view];
  const rowY = {};
  names.forEach((n, i) => { rowY[n] = TOP + i * rowH; });
  const pos = {}, lastX = {}, lastW = {};
  const breaks = [];
  let prevX = LEFT, prevT = 0;
  for (const e of st.events) {
    const w = eventWidth(e, view);
    let x = prevX + scale * (e.time - prevT);
    if (lastX[e.process] !== undefined) {
      x = Math.max(x, lastX[e.process] + (lastW[e.process] + w) / 2 + 6);
    } else {
      x = Math.max(x, LEFT + 10 + w / 2);
    }
    pos[e.id] = { x, y: rowY[e.process] };
    lastX[e.process] = x;
    lastW[e.process] = w;
    breaks.push([e.time, x]);
    prevX = x;
    prevT = e.time;
  }
  const timeToX = t => {
    let lo = 0, hi = breaks.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid][0] <= t) { best = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return best < 0 ? LEFT + scale * t : breaks[best][1] + scale * (t - breaks[best][0]);
  };
  return { names, rowY, pos, timeToX, rowH, lastTime: prevT };
}

function drawDiagram(st) {
  const view = st.view;
  const root = $('#view-' + view);
  const svg = $('svg.diagram', root);
  const scroller = $('.diagram-scroll', root);
  const L = layout(st, view, scroller.clientWidth);
  const nowX = L.timeToX(Math.min(st.time, Math.max(st.horizon + st.latency[1], L.lastTime) + 200));
  const lastEventX = Math.max(0, ...Object.values(L.pos).map(p => p.x));
  const width = Math.max(scroller.clientWidth - 2, Math.max(nowX, lastEventX) + 90);
  const height = TOP + (L.names.length - 1) * L.rowH + 46;
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const snaps = st.snapshots || [];
  const recordedIn = {}; // message id -> snapshot id whose channel state holds it
  for (const s of snaps) {
    for (const c of s.channels || []) for (const id of c.ids) recordedIn[id] = s.id;
  }
  const parts = [];
  // process lines
  for (const p of st.processes) {
    const y = L.rowY[p.name];
    parts.push(`<line class="line" x1="${LEFT - 8}" y1="${y}" x2="${width - 10}" y2="${y}"/>`);
    parts.push(`<text class="proc-name" x="14" y="${y + 5}">${p.name}</text>`);
    if (view === 'snapshot') {
      parts.push(`<text class="proc-state" x="14" y="${y + 21}" data-process="${p.name}">${p.tokens} tokens</text>`);
    }
  }
  parts.push(`<line class="now" x1="${nowX}" y1="${TOP - 34}" x2="${nowX}" y2="${height - 6}"><title>now: ${st.time} ms</title></line>`);
  // cuts (under everything else)
  for (const s of snaps) {
    const pts = L.names.filter(n => s.recordEvents[n]).map(n => L.pos[s.recordEvents[n]]).filter(Boolean);
    if (!pts.length) continue;
    pts.sort((a, b) => a.y - b.y);
    const all = [{ x: pts[0].x, y: pts[0].y - 30 }, ...pts, { x: pts[pts.length - 1].x, y: pts[pts.length - 1].y + 30 }];
    parts.push(`<polyline class="cut" data-snapshot="${s.id}" stroke="${snapColor(s.id)}" points="${all.map(p => `${p.x.toFixed(1)},${p.y}`).join(' ')}"/>`);
  }
  // messages
  parts.push(`<defs>${arrowDef('arrow', '#4a6fa5')}${SNAP_COLORS.map((c, i) => arrowDef('arrow' + (i + 1), c)).join('')}</defs>`);
  for (const m of st.messages) {
    const from = L.pos[m.sendEvent];
    if (!from) continue;
    let to, flying = false;
    if (m.receiveEvent && L.pos[m.receiveEvent]) {
      to = L.pos[m.receiveEvent];
    } else {
      flying = true;
      const end = { x: L.timeToX(m.arrive), y: L.rowY[m.to] };
      const f = Math.min(1, Math.max(0, (st.time - m.sent) / Math.max(1, m.arrive - m.sent)));
      to = { x: from.x + (end.x - from.x) * f, y: from.y + (end.y - from.y) * f };
    }
    const trim = flying ? 0 : 6;
    const dx = to.x - from.x, dy = to.y - from.y, len = Math.max(1, Math.hypot(dx, dy));
    const x2 = to.x - (dx / len) * trim, y2 = to.y - (dy / len) * trim;
    if (m.kind === 'marker') {
      const c = snapColor(m.snapshot);
      parts.push(`<line class="marker" stroke="${c}" x1="${from.x}" y1="${from.y}" x2="${x2}" y2="${y2}" marker-end="url(#arrow${((m.snapshot - 1) % SNAP_COLORS.length) + 1})"><title>marker of snapshot ${m.snapshot}: ${m.from}\u2192${m.to}</title></line>`);
    } else {
      const rec = recordedIn[m.id];
      const style = rec ? ` stroke="${snapColor(rec)}" stroke-width="2.6"` : '';
      const head = rec ? `arrow${((rec - 1) % SNAP_COLORS.length) + 1}` : 'arrow';
      parts.push(`<line class="arrow${flying ? ' flying' : ''}" data-message="${m.id}"${style} x1="${from.x}" y1="${from.y}" x2="${x2}" y2="${y2}"${flying ? '' : ` marker-end="url(#${head})"`}><title>m${m.id}: ${m.amount} token${m.amount === 1 ? '' : 's'} ${m.from}\u2192${m.to}${rec ? ` (in flight in snapshot ${rec})` : ''}</title></line>`);
    }
  }
  // events
  const sel = app.selection[view];
  const rel = app.causality[view];
  const cls = {};
  if (sel && rel) {
    cls[sel] = 'selected';
    for (const id of rel.past) cls[id] = 'past';
    for (const id of rel.future) cls[id] = 'future';
    for (const id of rel.concurrent) cls[id] = 'concurrent';
  }
  for (const e of st.events) {
    const p = L.pos[e.id];
    if (e.kind === 'marker') {
      const c = snapColor(e.snapshot);
      parts.push(`<line stroke="${c}" stroke-width="2.5" x1="${p.x}" y1="${p.y - 7}" x2="${p.x}" y2="${p.y + 7}"><title>marker of snapshot ${e.snapshot} from ${e.peer}</title></line>`);
    } else if (e.kind === 'record') {
      const c = snapColor(e.snapshot);
      const s = snaps.find(x => x.id === e.snapshot);
      const tokens = s && s.states && s.states[e.process] !== undefined ? s.states[e.process] : null;
      parts.push(`<g class="record" data-snapshot="${e.snapshot}" data-process="${e.process}"><rect x="${p.x - 5}" y="${p.y - 5}" width="10" height="10" fill="${c}"/>`
        + `<text x="${p.x}" y="${p.y - 10}" text-anchor="middle" fill="${c}">S${e.snapshot}</text>`
        + (tokens === null ? '' : `<text x="${p.x}" y="${p.y + 19}" text-anchor="middle" fill="${c}">${tokens}</text>`)
        + `<title>${e.process} records its state for snapshot ${e.snapshot}${tokens === null ? '' : `: ${tokens} tokens`}</title></g>`);
    } else {
      parts.push(`<g class="ev ${e.kind} ${cls[e.id] || ''}" data-event="${e.id}">`
        + `<circle cx="${p.x}" cy="${p.y}" r="5.5"/>`
        + `<text class="name" x="${p.x}" y="${p.y - 10}" text-anchor="middle">${e.id}</text>`
        + `<text class="lamport" x="${p.x}" y="${p.y + 19}" text-anchor="middle">L${e.lamport}</text>`
        + `<text class="vector" x="${p.x}" y="${p.y + 32}" text-anchor="middle">${vectorText(e.vector)}</text>`
        + `<title>${e.id}: ${describeEvent(e)}; Lamport ${e.lamport}, vector ${vectorText(e.vector)}</title></g>`);
    }
  }
  svg.innerHTML = parts.join('');
  svg.classList.toggle('has-selection', !!(sel && rel));
  if (app.playing && (nowX > scroller.scrollLeft + scroller.clientWidth - 60 || nowX < scroller.scrollLeft)) {
    scroller.scrollLeft = Math.max(0, nowX - scroller.clientWidth + 160);
  }
  // selects and panels
  const names = L.names;
  for (const s of $$('select.proc', root)) {
    if (s.options.length !== names.length) {
      s.innerHTML = names.map(n => `<option>${n}</option>`).join('');
      if (s.dataset.field === 'to') s.selectedIndex = 1;
    }
  }
  if (view === 'clocks') drawSelection(st);
  if (view === 'snapshot') drawSnapshotCards(st);
  refreshCausality(st);
}

function arrowDef(id, color) {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${color}"/></marker>`;
}

function describeEvent(e) {
  if (e.kind === 'send') return `send to ${e.peer}`;
  if (e.kind === 'receive') return `receive from ${e.peer}`;
  return 'local event';
}

function drawSelection(st) {
  const box = $('#view-clocks .selected-text');
  const sel = app.selection.clocks, rel = app.causality.clocks;
  if (!sel || !rel) return;
  const e = st.events.find(x => x.id === sel);
  if (!e) return;
  const list = ids => ids.length ? ids.join(', ') : 'none';
  box.innerHTML = `<b>${e.id}</b>: ${describeEvent(e)}, Lamport <b>${e.lamport}</b>, vector <b>${vectorText(e.vector)}</b>.<br>`
    + `<span class="sw past"></span>Before it (${rel.past.length}): ${list(rel.past)}<br>`
    + `<span class="sw future"></span>After it (${rel.future.length}): ${list(rel.future)}<br>`
    + `<span class="sw concurrent"></span>Concurrent (${rel.concurrent.length}): ${list(rel.concurrent)}`;
  box.dataset.event = e.id;
}

async function refreshCausality(st) {
  const view = st.view;
  const sel = app.selection[view];
  if (!sel || app.causalityAt[view] === st.events.length) return;
  app.causalityAt[view] = st.events.length;
  try {
    app.causality[view] = await api.causality(view, sel);
  } catch (e) {
    app.selection[view] = null;
    app.causality[view] = null;
  }
}

function wireDiagrams() {
  for (const view of ['clocks', 'snapshot']) {
    const svg = $(`#view-${view} svg.diagram`);
    // pointerdown, not click: the diagram is redrawn while it plays
    svg.addEventListener('pointerdown', async e => {
      const g = e.target.closest('.ev');
      if (!g) {
        app.selection[view] = null;
        app.causality[view] = null;
        if (app.states[view]) drawDiagram(app.states[view]);
        return;
      }
      const id = g.dataset.event;
      try {
        app.causality[view] = await api.causality(view, id);
        app.selection[view] = id;
        app.causalityAt[view] = app.states[view].events.length;
        drawDiagram(app.states[view]);
      } catch (err) { banner(err.message); }
    });
  }
}

function drawSnapshotCards(st) {
  const box = $('#view-snapshot .cards');
  if (!st.snapshots.length) {
    box.innerHTML = '<p class="note">None yet: pick a process and take one, while it plays or paused.</p>';
    return;
  }
  box.innerHTML = st.snapshots.slice(-3).reverse().map(s => {
    const c = snapColor(s.id);
    const head = `<h3 style="color:${c}">Snapshot ${s.id} <small>from ${s.initiator} at ${fmt(s.started)} ms \u00b7 ${s.complete ? 'complete' : `recording (${s.recorded.length} of ${st.processes.length} recorded)`}</small></h3>`;
    if (!s.complete) return `<div class="card" data-snapshot="${s.id}" style="border-color:${c}">${head}</div>`;
    const states = Object.entries(s.states).map(([p, t]) => `<td><b>${p}</b> ${t}</td>`).join('');
    const channels = s.channels.length
      ? s.channels.map(ch => `${ch.from}\u2192${ch.to}: ${ch.messages.join(', ')}`).join('; ')
      : 'every channel empty';
    const checks = s.checks.map(r => `<li class="${r.ok ? 'ok' : 'bad'}" title="${esc(r.detail)}"><b>${esc(r.name)}</b>: ${esc(r.detail)}</li>`).join('');
    return `<div class="card" data-snapshot="${s.id}" style="border-color:${c}">${head}<table><tr><td>tokens held</td>${states}</tr></table>`
      + `<div>in flight: ${esc(channels)}</div><ul>${checks}</ul></div>`;
  }).join('');
}

// ---- start ---------------------------------------------------------------------------------

wireControls();
wireZones();
wireDiagrams();
setView(location.hash.slice(1) && Views.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'raft');
window.addEventListener('hashchange', () => {
  const v = location.hash.slice(1);
  if (Views.includes(v) && v !== app.view) setView(v);
});
requestAnimationFrame(frame);

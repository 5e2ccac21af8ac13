// The viewer's page: opening files, the panels side by side, the toolbar, the findings list,
// keyboard shortcuts and exports. Talks to the server only through api.js (the v2 API).

import { ApiError, decode, detect } from "./api.js";
import { findingsCsv, findingsJson, paintShapes, rankedFindings } from "./findings.js";
import { ImagePanel, PRESETS, drawLoupe } from "./view.js";

const $ = (id) => document.getElementById(id);

const state = {
  entries: [],        // {name, decoded, result, panel, order}, in hanging order
  active: null,       // the panel keys and toolbar act on
  threshold: 0,
  points: null,       // the server's named operating points (v2 reply), once known
  thresholdTouched: false,  // the reader moved the threshold: a new reply keeps it
  marksVisible: true,
  invert: false,
  loupe: false,
  opened: 0,          // files opened so far (the tie-break of the hanging order)
  totalMs: [],        // per detection request
};

// The shortcuts as listed on the page; ACTIONS below does them.
const SHORTCUTS = [
  ["+ / −", "zoom in / out (also the mouse wheel, at the pointer)"],
  ["arrows", "pan (also drag with the left button)"],
  ["F or 0", "fit the image to its panel"],
  ["M", "marks on / off"],
  ["I", "invert"],
  ["L", "loupe (magnifier under the pointer) on / off"],
  ["W", "next window preset (drag with the right button or shift: width ↔, level ↕)"],
  ["N / P", "zoom to the next / previous finding by score"],
  ["[ / ]", "score threshold down / up by 0.05"],
  ["Tab / 1–9", "next panel / panel by number"],
];

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function colours() {
  const style = getComputedStyle(document.documentElement);
  return { cluster: style.getPropertyValue("--cluster").trim(),
           calcification: style.getPropertyValue("--calcification").trim() };
}

// CC and MLO of one breast side by side: right breast first, then left, CC before MLO;
// images without laterality after, in the order they were opened.
function hangingKey(entry) {
  const side = { R: 0, L: 1 }[entry.decoded.laterality] ?? 2;
  const view = { CC: 0, MLO: 1 }[entry.decoded.view] ?? 2;
  return [side, side === 2 ? 0 : view, entry.order];
}

function byHanging(a, b) {
  const ka = hangingKey(a), kb = hangingKey(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return 0;
}

async function openFiles(fileList) {
  const files = [...fileList];
  if (files.length === 0) return;
  showError("");
  $("status").textContent = `analysing ${files.length} image(s)…`;
  const token = $("token").value.trim();
  const spacing = $("spacing").value.trim();
  try {
    const [reply, ...decoded] = await Promise.all([
      detect(files, { spacing, token }),
      ...files.map((file) => decode(file, { token })),
    ]);
    state.totalMs.push(reply.total_ms);
    learnOperatingPoints(reply);
    files.forEach((file, i) => {
      state.entries.push({ name: file.name, decoded: decoded[i], result: reply.images[i],
                           order: state.opened++ });
    });
    layout();
    $("status").textContent = "";
  } catch (e) {
    $("status").textContent = "";
    showError(e instanceof ApiError ? e.message : String(e));
  }
}

function layout() {
  state.entries.sort(byHanging);
  const panels = $("panels");
  $("drop-hint").hidden = state.entries.length > 0;
  for (const entry of state.entries) {
    if (!entry.panel) {
      entry.panel = new ImagePanel(entry, {
        changed: () => {},
        activate: (panel) => activate(panel),
        pointer: (panel, point) => {
          if (state.loupe) drawLoupe($("loupe"), panel, point, colours());
        },
      });
      entry.panel.setInvert(state.invert);
      entry.panel.setMarks({ visible: state.marksVisible, threshold: state.threshold });
    }
    panels.append(entry.panel.element);  // in hanging order
  }
  if (!state.active && state.entries.length) activate(state.entries[0].panel);
  refresh();
}

function activate(panel) {
  state.active = panel;
  for (const e of state.entries) e.panel.element.classList.toggle("active", e.panel === panel);
  $("preset").value = PRESETS[panel.preset] ? panel.preset : "file";
}

// The marks, the findings list and the info box after any change of threshold or marks.
function refresh() {
  $("threshold-value").textContent = state.threshold.toFixed(2);
  $("threshold").value = String(state.threshold);
  for (const e of state.entries) {
    e.panel.setMarks({ visible: state.marksVisible, threshold: state.threshold });
  }
  $("marks").setAttribute("aria-pressed", String(state.marksVisible));
  const ranked = rankedFindings(state.entries, state.threshold);
  const list = $("findings");
  list.replaceChildren();
  for (const item of ranked) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    const count = (item.finding.calcifications || []).length;
    button.textContent = `${item.finding.score.toFixed(2)} ${item.finding.kind}` +
      (count ? ` (${count} calcifications)` : "") + ` — ${item.name}`;
    button.addEventListener("click", () => goTo(item));
    li.append(button);
    list.append(li);
  }
  $("findings-count").textContent = `${ranked.length} at or above ${state.threshold.toFixed(2)}`;
  showInfo();
}

function goTo(item) {
  const panel = state.entries[item.image].panel;
  activate(panel);
  panel.showBox(item.finding.box);
  state.cursor = item;
}

function showInfo() {
  const info = $("info");
  info.replaceChildren();
  for (const e of state.entries) {
    const r = e.result;
    const d = e.decoded;
    const div = document.createElement("div");
    div.className = "image-info";
    const lines = [
      `${e.name}: ${d.width}×${d.height}, ${d.format}, ${d.bitsStored} bits` +
        (d.laterality || d.view ? `, ${[d.laterality, d.view].filter(Boolean).join(" ")}` : ""),
      `spacing ${r.pixel_spacing_mm.toFixed(3)} mm (${r.pixel_spacing_source})` +
        (r.pixel_spacing_guessed ? " — GUESSED: sizes in mm are estimates" : ""),
      `decode ${r.timings.decode_ms.toFixed(0)} ms, detect ${r.timings.detect_ms.toFixed(0)} ms` +
        (r.lossy ? ", lossy file" : ""),
    ];
    for (const text of lines) {
      const p = document.createElement("p");
      p.textContent = text;
      if (text.includes("GUESSED")) p.className = "warning";
      div.append(p);
    }
    info.append(div);
  }
  if (state.totalMs.length) {
    const p = document.createElement("p");
    p.textContent = `server total: ${state.totalMs.map((t) => t.toFixed(0) + " ms").join(", ")}`;
    info.append(p);
  }
}

function setThreshold(value) {
  state.threshold = Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
  state.thresholdTouched = true;
  const match = (state.points || []).find((p) => p.min_score === state.threshold);
  $("operating-point").value = match ? match.name : state.threshold === 0 ? "all" : "custom";
  refresh();
}

// The first reply that names operating points fills the menu; the threshold starts at the
// server's default point (what the old clients get), unless the reader already moved it.
function learnOperatingPoints(reply) {
  if (state.points || !Array.isArray(reply.operating_points)) return;
  state.points = reply.operating_points;
  const menu = $("operating-point");
  for (const p of state.points) {
    const option = document.createElement("option");
    option.value = p.name;
    option.textContent = `${p.name.replace(/_/g, " ")} (≥ ${p.min_score.toFixed(2)})`;
    option.title = `measured: sensitivity ${p.sensitivity.toFixed(2)}, ` +
                   `${p.fp_per_image.toFixed(2)} false marks per image`;
    menu.insertBefore(option, menu.querySelector('option[value="custom"]'));
  }
  if (!state.thresholdTouched && reply.default_operating_point) {
    choosePoint(reply.default_operating_point);
  }
}

function choosePoint(name) {
  const point = (state.points || []).find((p) => p.name === name);
  if (name === "all") state.threshold = 0;
  else if (point) state.threshold = point.min_score;  // exact: 0.523 is not 0.52
  else return;
  $("operating-point").value = name;
  refresh();
}

function stepFinding(direction) {
  const ranked = rankedFindings(state.entries, state.threshold);
  if (!ranked.length) return;
  const at = state.cursor ? ranked.findIndex((r) => r.image === state.cursor.image &&
                                              r.index === state.cursor.index) : -1;
  const next = at < 0 ? 0 : (at + direction + ranked.length) % ranked.length;
  goTo(ranked[next]);
}

function download(name, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// The current view of every panel, side by side as on screen, marks included.
function exportPng() {
  const panels = state.entries.map((e) => e.panel);
  if (!panels.length) return;
  const rects = panels.map((p) => p.viewport.getBoundingClientRect());
  const left = Math.min(...rects.map((r) => r.left)), top = Math.min(...rects.map((r) => r.top));
  const out = document.createElement("canvas");
  out.width = Math.round(Math.max(...rects.map((r) => r.right)) - left);
  out.height = Math.round(Math.max(...rects.map((r) => r.bottom)) - top);
  const context = out.getContext("2d");
  context.fillStyle = "#202020";
  context.fillRect(0, 0, out.width, out.height);
  panels.forEach((panel, i) => {
    context.save();
    context.translate(rects[i].left - left, rects[i].top - top);
    context.drawImage(panel.canvas, 0, 0, rects[i].width, rects[i].height);
    paintShapes(context, panel.shapes(), colours());
    context.restore();
  });
  out.toBlob((blob) => download("mammocad-view.png", blob), "image/png");
}

const ACTIONS = {
  "+": () => state.active?.zoomCentre(1.25), "=": () => state.active?.zoomCentre(1.25),
  "-": () => state.active?.zoomCentre(0.8), "_": () => state.active?.zoomCentre(0.8),
  ArrowLeft: () => state.active?.pan(60, 0), ArrowRight: () => state.active?.pan(-60, 0),
  ArrowUp: () => state.active?.pan(0, 60), ArrowDown: () => state.active?.pan(0, -60),
  f: () => state.active?.fit(), 0: () => state.active?.fit(),
  m: () => { state.marksVisible = !state.marksVisible; refresh(); },
  i: () => toggleInvert(),
  l: () => { state.loupe = !state.loupe; $("loupe").hidden = true;
             $("loupe-button").setAttribute("aria-pressed", String(state.loupe)); },
  w: () => {
    if (!state.active) return;
    const names = Object.keys(PRESETS);
    const next = names[(names.indexOf(state.active.preset) + 1) % names.length];
    state.active.applyPreset(next);
    $("preset").value = next;
  },
  n: () => stepFinding(1), p: () => stepFinding(-1),
  "[": () => setThreshold(state.threshold - 0.05), "]": () => setThreshold(state.threshold + 0.05),
  Tab: () => {
    const i = state.entries.findIndex((e) => e.panel === state.active);
    if (state.entries.length) activate(state.entries[(i + 1) % state.entries.length].panel);
  },
};

function toggleInvert() {
  state.invert = !state.invert;
  for (const e of state.entries) e.panel.setInvert(state.invert);
  $("invert").setAttribute("aria-pressed", String(state.invert));
}

function onKey(event) {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (/^[1-9]$/.test(key)) {
    const entry = state.entries[Number(key) - 1];
    if (entry) activate(entry.panel);
  } else if (ACTIONS[key]) {
    ACTIONS[key]();
  } else {
    return;
  }
  event.preventDefault();
}

function listShortcuts() {
  const list = $("shortcuts");
  for (const [keys, what] of SHORTCUTS) {
    const dt = document.createElement("dt");
    dt.textContent = keys;
    const dd = document.createElement("dd");
    dd.textContent = what;
    list.append(dt, dd);
  }
}

function start() {
  listShortcuts();
  for (const [name, label] of Object.entries(PRESETS)) $("preset").append(new Option(label, name));
  $("file-input").addEventListener("change", (e) => {
    openFiles(e.target.files);
    e.target.value = "";
  });
  const drop = $("panels");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("dropping"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("dropping"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dropping");
    openFiles(e.dataTransfer.files);
  });
  $("threshold").addEventListener("input", (e) => setThreshold(Number(e.target.value)));
  $("operating-point").addEventListener("change", (e) => {
    state.thresholdTouched = true;
    choosePoint(e.target.value);
  });
  $("preset").addEventListener("change", (e) => state.active?.applyPreset(e.target.value));
  $("invert").addEventListener("click", toggleInvert);
  $("marks").addEventListener("click", ACTIONS.m);
  $("loupe-button").addEventListener("click", ACTIONS.l);
  $("fit").addEventListener("click", () => { for (const e of state.entries) e.panel.fit(); });
  $("clear").addEventListener("click", () => {
    for (const e of state.entries) e.panel.element.remove();
    Object.assign(state, { entries: [], active: null, cursor: null, totalMs: [] });
    $("drop-hint").hidden = false;
    refresh();
  });
  $("export-json").addEventListener("click", () => download("mammocad-findings.json",
    new Blob([findingsJson(state.entries, state.threshold)], { type: "application/json" })));
  $("export-csv").addEventListener("click", () => download("mammocad-findings.csv",
    new Blob([findingsCsv(state.entries, state.threshold)], { type: "text/csv" })));
  $("export-png").addEventListener("click", exportPng);
  document.addEventListener("keydown", onKey);
  refresh();
}

start();

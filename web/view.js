// One image on screen: a canvas with the pixels through the window (full bit depth), an SVG
// overlay with the findings' outlines, zoom and pan, window/level by dragging, a loupe.
//
// Coordinates: image pixels (the v2 reply's grid) map to viewport CSS pixels as
// screen = image * scale + (tx, ty). The viewport element carries the current transform in
// data-scale/data-tx/data-ty, so tests (and exports) see what is drawn.

import { outlineShapes, paintShapes } from "./findings.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_SCALE = 32;

export function clampWindow(low, high, maxValue) {
  const width = Math.max(1, high - low);
  return { low: Math.max(-maxValue, low), high: Math.max(-maxValue, low) + width };
}

// Window presets, by name (the toolbar's select and the W key cycle through them).
export const PRESETS = {
  file: "File (DICOM VOI, else full range)",
  auto: "Auto (0.5–99.5 %)",
  bright: "Bright tissue (calcifications)",
  full: "Full bit depth",
};

function percentile(histogram, total, fraction) {
  let seen = 0;
  const wanted = total * fraction;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v];
    if (seen >= wanted) return v;
  }
  return histogram.length - 1;
}

export class ImagePanel {
  // `entry`: {name, decoded (api.decode's result), result (v2 image object or null)}.
  // `callbacks.changed(panel)`: the view changed (for the loupe and the info box).
  constructor(entry, callbacks) {
    this.entry = entry;
    this.callbacks = callbacks;
    this.maxValue = 2 ** Math.min(16, Math.max(1, entry.decoded.bitsStored)) - 1;
    this.invert = false;
    this.marksVisible = true;
    this.threshold = 0;
    this.scale = 1; this.tx = 0; this.ty = 0;
    this.histogram = null;
    this.build();
    this.applyPreset("file");
  }

  build() {
    const { name, decoded } = this.entry;
    this.element = document.createElement("div");
    this.element.className = "panel";
    this.element.dataset.name = name;
    const caption = document.createElement("div");
    caption.className = "caption";
    const title = document.createElement("span");
    title.className = "name";
    title.textContent = name;
    const tags = document.createElement("span");
    tags.className = "tags";
    tags.textContent = [decoded.laterality, decoded.view].filter(Boolean).join(" ");
    this.windowLabel = document.createElement("span");
    this.windowLabel.className = "window-label";
    caption.append(title, tags, this.windowLabel);
    this.viewport = document.createElement("div");
    this.viewport.className = "viewport";
    this.viewport.tabIndex = 0;
    this.canvas = document.createElement("canvas");
    this.overlay = document.createElementNS(SVG, "svg");
    this.overlay.classList.add("overlay");
    this.viewport.append(this.canvas, this.overlay);
    this.element.append(caption, this.viewport);
    // The windowed image at full resolution, redrawn only when the window changes.
    this.bitmap = document.createElement("canvas");
    this.bitmap.width = decoded.width;
    this.bitmap.height = decoded.height;
    this.listen();
  }

  // Mouse: wheel zooms at the pointer, left drag pans, right (or shift+left) drag changes
  // the window: left/right its width, up/down its level.
  listen() {
    const v = this.viewport;
    v.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = v.getBoundingClientRect();
      this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    v.addEventListener("contextmenu", (e) => e.preventDefault());
    v.addEventListener("pointerdown", (e) => {
      this.callbacks.activate(this);
      const windowing = e.button === 2 || e.shiftKey;
      const start = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, ...this.window };
      v.setPointerCapture(e.pointerId);
      const move = (m) => {
        const dx = m.clientX - start.x, dy = m.clientY - start.y;
        if (windowing) {
          const step = this.maxValue / 500;
          const width = Math.max(1, start.high - start.low + dx * step);
          const centre = (start.high + start.low) / 2 - dy * step;
          this.setWindow(centre - width / 2, centre + width / 2, "manual");
        } else {
          this.tx = start.tx + dx; this.ty = start.ty + dy;
          this.fitted = false;
          this.draw();
        }
      };
      const up = () => {
        v.removeEventListener("pointermove", move);
        v.removeEventListener("pointerup", up);
      };
      v.addEventListener("pointermove", move);
      v.addEventListener("pointerup", up);
    });
    v.addEventListener("pointermove", (e) => {
      const r = v.getBoundingClientRect();
      this.pointer = { x: e.clientX - r.left, y: e.clientY - r.top };
      this.callbacks.pointer(this, this.pointer);
    });
    v.addEventListener("pointerleave", () => this.callbacks.pointer(this, null));
    // Until the reader zooms or pans, the image keeps fitting its (resized) viewport.
    new ResizeObserver(() => { if (this.fitted !== false) this.fit(); else this.draw(); })
      .observe(v);
  }

  histogramOf() {
    if (this.histogram) return this.histogram;
    const h = new Uint32Array(this.maxValue + 1);
    const samples = this.entry.decoded.samples;
    for (let i = 0; i < samples.length; i++) h[Math.min(samples[i], this.maxValue)]++;
    this.histogram = h;
    return h;
  }

  applyPreset(name) {
    const decoded = this.entry.decoded;
    if (name === "file" && decoded.fileWindow) {
      this.setWindow(decoded.fileWindow.low, decoded.fileWindow.high, name);
    } else if (name === "auto" || name === "bright") {
      const h = this.histogramOf();
      // Ignore the empty background (the darkest 30 % of levels are rarely breast).
      const total = decoded.samples.length;
      const low = percentile(h, total, name === "auto" ? 0.005 : 0.6);
      const high = percentile(h, total, 0.995);
      this.setWindow(low, Math.max(low + 1, high), name);
    } else {
      this.setWindow(0, this.maxValue, name);
    }
  }

  setWindow(low, high, preset) {
    this.window = clampWindow(low, high, this.maxValue);
    this.preset = preset;
    this.repaintBitmap();
  }

  setInvert(on) { this.invert = on; this.repaintBitmap(); }

  // The pixels through the window (and inversion) into the full-size bitmap.
  repaintBitmap() {
    const { width, height, samples } = this.entry.decoded;
    const lut = new Uint8ClampedArray(this.maxValue + 1);
    const { low, high } = this.window;
    for (let v = 0; v <= this.maxValue; v++) {
      const shown = ((v - low) / (high - low)) * 255;
      lut[v] = this.invert ? 255 - shown : shown;
    }
    const context = this.bitmap.getContext("2d");
    const image = context.createImageData(width, height);
    const rgba = new Uint32Array(image.data.buffer);
    for (let i = 0; i < samples.length; i++) {
      const g = lut[Math.min(samples[i], this.maxValue)];
      rgba[i] = 0xff000000 | (g << 16) | (g << 8) | g;  // little-endian RGBA
    }
    context.putImageData(image, 0, 0);
    const centre = Math.round((low + high) / 2), span = Math.round(high - low);
    this.windowLabel.textContent = `W ${span} L ${centre}${this.invert ? " inverted" : ""}`;
    this.viewport.dataset.windowLow = String(low);
    this.viewport.dataset.windowHigh = String(high);
    this.draw();
  }

  fit() {
    const { width, height } = this.entry.decoded;
    const vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    if (vw === 0 || vh === 0) return;
    this.scale = Math.min(vw / width, vh / height);
    this.tx = (vw - width * this.scale) / 2;
    this.ty = (vh - height * this.scale) / 2;
    this.fitted = true;
    this.draw();
  }

  zoomAt(factor, sx, sy) {
    const next = Math.min(MAX_SCALE, Math.max(this.fitScale() / 4, this.scale * factor));
    const ix = (sx - this.tx) / this.scale, iy = (sy - this.ty) / this.scale;
    this.scale = next;
    this.tx = sx - ix * next; this.ty = sy - iy * next;
    this.fitted = false;
    this.draw();
  }

  zoomCentre(factor) {
    this.zoomAt(factor, this.viewport.clientWidth / 2, this.viewport.clientHeight / 2);
  }

  pan(dx, dy) { this.tx += dx; this.ty += dy; this.fitted = false; this.draw(); }

  fitScale() {
    const { width, height } = this.entry.decoded;
    return Math.min(this.viewport.clientWidth / width, this.viewport.clientHeight / height) || 1;
  }

  // Zoom so the box fills about a third of the viewport, centred.
  showBox(box) {
    const vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    const side = Math.max(box.w, box.h, 8);
    this.scale = Math.min(MAX_SCALE, Math.max(this.fitScale(), Math.min(vw, vh) / (3 * side)));
    this.tx = vw / 2 - (box.x + box.w / 2) * this.scale;
    this.ty = vh / 2 - (box.y + box.h / 2) * this.scale;
    this.fitted = false;
    this.draw();
  }

  setMarks({ visible, threshold }) {
    this.marksVisible = visible;
    this.threshold = threshold;
    this.draw();
  }

  visibleFindings() {
    const result = this.entry.result;
    if (!result) return [];
    return result.findings
      .map((finding, index) => ({ finding, index }))
      .filter(({ finding }) => finding.score >= this.threshold);
  }

  draw() {
    const v = this.viewport;
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.round(v.clientWidth * dpr), ch = Math.round(v.clientHeight * dpr);
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw; this.canvas.height = ch;
    }
    const context = this.canvas.getContext("2d");
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = "#000";
    context.fillRect(0, 0, cw, ch);
    context.imageSmoothingEnabled = this.scale < 1;
    context.setTransform(this.scale * dpr, 0, 0, this.scale * dpr, this.tx * dpr, this.ty * dpr);
    context.drawImage(this.bitmap, 0, 0);
    v.dataset.scale = String(this.scale);
    v.dataset.tx = String(this.tx);
    v.dataset.ty = String(this.ty);
    this.drawOverlay();
    this.callbacks.changed(this);
  }

  shapes() {
    if (!this.marksVisible) return [];
    return outlineShapes(this.visibleFindings(), this.transform(),
                         { width: this.viewport.clientWidth, height: this.viewport.clientHeight });
  }

  transform() { return { scale: this.scale, tx: this.tx, ty: this.ty }; }

  drawOverlay() {
    const svg = this.overlay;
    svg.replaceChildren();
    svg.setAttribute("width", this.viewport.clientWidth);
    svg.setAttribute("height", this.viewport.clientHeight);
    for (const shape of this.shapes()) {
      let node;
      if (shape.type === "rect") {
        node = document.createElementNS(SVG, "rect");
        for (const key of ["x", "y", "width", "height"]) node.setAttribute(key, shape[key]);
      } else if (shape.type === "circle") {
        node = document.createElementNS(SVG, "circle");
        node.setAttribute("cx", shape.cx); node.setAttribute("cy", shape.cy);
        node.setAttribute("r", shape.r);
      } else {
        node = document.createElementNS(SVG, "g");
        const back = document.createElementNS(SVG, "rect");
        for (const key of ["x", "y", "width", "height"]) back.setAttribute(key, shape[key]);
        const text = document.createElementNS(SVG, "text");
        text.setAttribute("x", shape.x + shape.width / 2);
        text.setAttribute("y", shape.y + shape.height - 4);
        text.textContent = shape.text;
        node.append(back, text);
      }
      node.setAttribute("class", shape.className);
      if (shape.findingIndex !== undefined) node.dataset.finding = String(shape.findingIndex);
      svg.append(node);
    }
  }

  // The image point under viewport point (x, y).
  imagePoint(x, y) { return { x: (x - this.tx) / this.scale, y: (y - this.ty) / this.scale }; }
}

// The loupe: a round magnifier under the pointer, 4 times the panel's zoom, with the marks
// (when shown) drawn at its scale in `colours` ({cluster, calcification}).
export function drawLoupe(loupe, panel, point, colours) {
  if (!panel || !point) { loupe.hidden = true; return; }
  loupe.hidden = false;
  const size = loupe.width;
  const r = panel.viewport.getBoundingClientRect();
  loupe.style.left = `${r.left + point.x - size / 2}px`;
  loupe.style.top = `${r.top + point.y - size / 2}px`;
  const context = loupe.getContext("2d");
  const magnified = panel.scale * 4;
  const centre = panel.imagePoint(point.x, point.y);
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = "#000";
  context.fillRect(0, 0, size, size);
  context.imageSmoothingEnabled = false;
  const transform = { scale: magnified, tx: size / 2 - centre.x * magnified,
                      ty: size / 2 - centre.y * magnified };
  context.setTransform(transform.scale, 0, 0, transform.scale, transform.tx, transform.ty);
  context.drawImage(panel.bitmap, 0, 0);
  context.setTransform(1, 0, 0, 1, 0, 0);
  if (panel.marksVisible) {
    paintShapes(context, outlineShapes(panel.visibleFindings(), transform,
                                       { width: size, height: size }), colours);
  }
}

// Findings in the page: their outlines (shared by the SVG overlay and the PNG export), the
// list sorted by score, and the JSON/CSV exports. Pure functions of the v2 reply.

// Screen pixels between a finding's box and its outline: the outline never covers the specks.
export const OUTLINE_GAP = 6;
// Members are ringed once their cluster is this large on screen (CSS pixels).
export const MEMBERS_FROM_PIXELS = 90;
const TAG_HEIGHT = 18;

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// The tag's place beside `outline`: above, below, right or left, the first inside the view
// that overlaps no earlier tag or finding; else above, moved down until free.
function placeTag(outline, width, view, taken) {
  const candidates = [
    { x: outline.x, y: outline.y - TAG_HEIGHT },
    { x: outline.x, y: outline.y + outline.height },
    { x: outline.x + outline.width, y: outline.y },
    { x: outline.x - width, y: outline.y },
  ].map((c) => ({ ...c, width, height: TAG_HEIGHT }));
  const inside = (c) => c.x >= 0 && c.y >= 0 && c.x + c.width <= view.width &&
                        c.y + c.height <= view.height;
  for (const c of candidates) if (inside(c) && !taken.some((t) => overlaps(c, t))) return c;
  const tag = { ...candidates[0] };
  for (let tries = 0; tries < 50 && taken.some((t) => overlaps(tag, t)); tries++) {
    tag.y += TAG_HEIGHT;
  }
  return tag;
}

// What to draw for `visible` ([{finding, index}] of one image) through `transform`
// ({scale, tx, ty}: screen = image * scale + t) in a view of `view` {width, height}:
// [{type: "rect"|"circle"|"tag", className, findingIndex, ...geometry}], lowest score first
// so the strongest are drawn on top; tags last.
export function outlineShapes(visible, transform, view) {
  const { scale, tx, ty } = transform;
  const toScreen = (box) => ({
    x: box.x * scale + tx, y: box.y * scale + ty, width: box.w * scale, height: box.h * scale,
  });
  const ordered = [...visible].sort((a, b) => a.finding.score - b.finding.score);
  const shapes = [], tags = [];
  const taken = ordered.map(({ finding }) => toScreen(finding.box));
  for (const { finding, index } of ordered) {
    const box = toScreen(finding.box);
    const kind = finding.kind === "cluster" ? "cluster" : "calcification";
    const outline = {
      x: box.x - OUTLINE_GAP, y: box.y - OUTLINE_GAP,
      width: box.width + 2 * OUTLINE_GAP, height: box.height + 2 * OUTLINE_GAP,
    };
    shapes.push({ type: "rect", className: `outline ${kind}`, findingIndex: index, ...outline });
    if (Math.max(box.width, box.height) >= MEMBERS_FROM_PIXELS) {
      for (const member of finding.calcifications || []) {
        shapes.push({
          type: "circle", className: "member", findingIndex: index,
          cx: member.centre.x * scale + tx, cy: member.centre.y * scale + ty,
          r: (Math.max(member.box.w, member.box.h) / 2) * scale + OUTLINE_GAP / 2 + 2,
        });
      }
    }
    tags.push({ outline, text: finding.score.toFixed(2), kind, index });
  }
  // The strongest findings choose their tag's place first.
  for (const tag of tags.reverse()) {
    const width = 8 * tag.text.length + 10;
    const where = placeTag(tag.outline, width, view, taken);
    taken.push(where);
    shapes.push({ type: "tag", className: `tag ${tag.kind}`, findingIndex: tag.index,
                  text: tag.text, ...where });
  }
  return shapes;
}

// The same shapes painted on a 2D canvas context (the PNG export), in `colours`.
export function paintShapes(context, shapes, colours) {
  context.lineWidth = 2;
  context.font = "bold 13px sans-serif";
  context.textAlign = "center";
  for (const s of shapes) {
    const colour = s.className.includes("cluster") ? colours.cluster : colours.calcification;
    if (s.type === "rect") {
      context.strokeStyle = colour;
      context.strokeRect(s.x, s.y, s.width, s.height);
    } else if (s.type === "circle") {
      context.strokeStyle = colours.calcification;
      context.lineWidth = 1.5;
      context.beginPath();
      context.arc(s.cx, s.cy, s.r, 0, 2 * Math.PI);
      context.stroke();
      context.lineWidth = 2;
    } else {
      context.fillStyle = "rgba(20, 20, 20, 0.85)";
      context.fillRect(s.x, s.y, s.width, s.height);
      context.fillStyle = colour;
      context.fillText(s.text, s.x + s.width / 2, s.y + s.height - 4);
    }
  }
}

// Every finding at or above `threshold`, all images, highest score first:
// [{image (index), name, index (in its image), finding}].
export function rankedFindings(entries, threshold) {
  const all = [];
  entries.forEach((entry, image) => {
    if (!entry.result) return;
    entry.result.findings.forEach((finding, index) => {
      if (finding.score >= threshold) all.push({ image, name: entry.name, index, finding });
    });
  });
  return all.sort((a, b) => b.finding.score - a.finding.score);
}

// The export as JSON: per image what v2 said about it, its findings cut at the threshold.
export function findingsJson(entries, threshold) {
  const images = entries.filter((e) => e.result).map((e) => ({
    ...e.result,
    findings: e.result.findings.filter((f) => f.score >= threshold),
  }));
  return JSON.stringify({ min_score: threshold, images }, null, 2);
}

function csvField(value) {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// The export as CSV: one row per finding at or above the threshold.
export function findingsCsv(entries, threshold) {
  const rows = [["image", "kind", "score", "x", "y", "w", "h", "calcifications",
                 "pixel_spacing_mm", "pixel_spacing_source"]];
  for (const { image, name, finding } of rankedFindings(entries, threshold)) {
    const entry = entries[image];
    const b = finding.box;
    rows.push([name, finding.kind, finding.score, b.x, b.y, b.w, b.h,
               (finding.calcifications || []).length, entry.result.pixel_spacing_mm,
               entry.result.pixel_spacing_source]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

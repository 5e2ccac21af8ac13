// The web viewer in a real browser: Debian's chromium driven by playwright-core, against the
// real `mammocad serve`. Run by tests/browser/run.sh (ctest browser_viewer).
//
// Environment: MAMMOCAD_BIN (the binary), MAMMOCAD_SHARED_DATA_DIR (mini-MIAS; that part is
// skipped with a message when absent), BROWSER_TEST_OUT (screenshots and fixtures).
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.MAMMOCAD_BIN || path.join(here, "../../build/src/mammocad");
const SHARED = process.env.MAMMOCAD_SHARED_DATA_DIR || path.join(here, "../../../shared/data");
const OUT = process.env.BROWSER_TEST_OUT || fs.mkdtempSync(path.join(os.tmpdir(), "viewer-"));
const MIAS = path.join(SHARED, "mini-mias-dev", "mdb209.pgm");
const DETECTION = "/v2/detection/BreastCalcify";
const TOKEN = "browser-test-token-0123456789";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function startServer(extraArgs = []) {
  const port = await freePort();
  const log = fs.openSync(path.join(OUT, `server-${port}.log`), "w");
  const child = spawn(BIN, ["serve", "--host", "127.0.0.1", "--port", String(port), ...extraArgs],
                      { stdio: ["ignore", log, log] });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 15000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url + "/healthz")).ok) return { url, child };
    } catch (_) { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("server did not become healthy within 15 s");
}

// What the API says about `file` itself (the expected message of an error).
async function apiReply(url, file, route = DETECTION) {
  const form = new FormData();
  form.append("images", new Blob([fs.readFileSync(file)]), path.basename(file));
  const response = await fetch(url + route, { method: "POST", body: form });
  return response.json();
}

describe("web viewer", () => {
  let server, tokenServer, browser, page, profile;
  let dicomReply;  // the v2 reply the page got for the two DICOM views
  const consoleErrors = [], foreignRequests = [];
  const fixtures = path.join(OUT, "fixtures");

  before(async () => {
    execFileSync("/usr/bin/python3", [path.join(here, "make_fixtures.py"), fixtures]);
    server = await startServer();
    fs.writeFileSync(path.join(OUT, "tokens"), TOKEN + "\n");
    tokenServer = await startServer(["--auth-token-file", path.join(OUT, "tokens")]);
    const ours = new Set([server.url, tokenServer.url].map((u) => new URL(u).port));
    // A fresh profile every run; Debian's chromium, never a downloaded browser.
    profile = fs.mkdtempSync(path.join(os.tmpdir(), "viewer-profile-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1600, height: 900 },
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"],
    });
    browser = context;
    // Every request is looked at: anything not for our server fails the test.
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1" && ours.has(url.port)) {
        return route.continue();
      }
      foreignRequests.push(route.request().url());
      return route.abort();
    });
    page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
  });

  after(async () => {
    await browser?.close();
    server?.child.kill("SIGTERM");
    tokenServer?.child.kill("SIGTERM");
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  // Opens `files` through the file picker; resolves to the v2 reply the page received.
  async function open(files) {
    const reply = page.waitForResponse((r) => r.url().endsWith(DETECTION));
    await page.setInputFiles("#file-input", files);
    const json = await (await reply).json();
    await page.waitForFunction((n) => document.querySelectorAll(".panel").length >= n,
                               files.length);
    return json;
  }

  function panel(name) { return page.locator(`.panel[data-name="${name}"]`); }

  // Every outline drawn in panel `name` sits a few pixels outside the box v2 gave for its
  // finding, through the panel's current zoom and pan; returns how many were drawn.
  async function checkOutlines(name, result) {
    const drawn = await panel(name).evaluate((element) => {
      const v = element.querySelector(".viewport");
      return {
        scale: Number(v.dataset.scale), tx: Number(v.dataset.tx), ty: Number(v.dataset.ty),
        rects: [...element.querySelectorAll("rect.outline")].map((r) => ({
          finding: Number(r.dataset.finding), x: Number(r.getAttribute("x")),
          y: Number(r.getAttribute("y")), width: Number(r.getAttribute("width")),
          height: Number(r.getAttribute("height")),
        })),
      };
    });
    for (const rect of drawn.rects) {
      const box = result.findings[rect.finding].box;
      const left = box.x * drawn.scale + drawn.tx, top = box.y * drawn.scale + drawn.ty;
      const right = (box.x + box.w) * drawn.scale + drawn.tx;
      const bottom = (box.y + box.h) * drawn.scale + drawn.ty;
      for (const gap of [left - rect.x, top - rect.y, rect.x + rect.width - right,
                         rect.y + rect.height - bottom]) {
        assert.ok(gap >= 3 && gap <= 12, `outline ${JSON.stringify(rect)} vs box ` +
          `${JSON.stringify(box)} at ${JSON.stringify(drawn)}: gap ${gap}`);
      }
    }
    return drawn.rects.length;
  }

  async function shot(locator, name) {
    const file = path.join(OUT, name);
    await locator.screenshot({ path: file });
    return fs.readFileSync(file);
  }

  it("loads with nothing but its own files", async () => {
    const response = await page.goto(server.url + "/");
    assert.equal(response.status(), 200);
    assert.match(response.headers()["content-security-policy"], /^default-src 'self'/);
    await page.waitForSelector("#shortcuts dt");
    assert.ok((await page.locator("#shortcuts dt").count()) >= 8, "shortcuts listed");
    assert.equal(await page.title(), "mammocad viewer");
  });

  it("shows two DICOM views of one breast side by side, CC first, with laterality", async () => {
    // Opened MLO first: the hanging order still puts CC before MLO.
    const reply = await open([path.join(fixtures, "left_mlo.dcm"), path.join(fixtures, "left_cc.dcm")]);
    dicomReply = reply;
    assert.deepEqual(await page.locator(".panel").evaluateAll((els) => els.map((e) => e.dataset.name)),
                     ["left_cc.dcm", "left_mlo.dcm"]);
    assert.equal(await panel("left_cc.dcm").locator(".tags").textContent(), "L CC");
    const cc = reply.images.find((i) => i.name === "left_cc.dcm");
    assert.ok(cc.findings.length >= 1, "the synthetic cluster is found");
    // The view starts at the server's default operating point, offered with the others.
    assert.ok(reply.operating_points.length >= 3, "the v2 reply names the operating points");
    const start = reply.operating_points.find((p) => p.name === reply.default_operating_point);
    assert.ok(start, `the default point ${reply.default_operating_point} is one of them`);
    assert.equal(await page.locator("#operating-point").inputValue(), start.name);
    assert.equal(await page.locator("#threshold-value").textContent(), start.min_score.toFixed(2));
    assert.equal(await checkOutlines("left_cc.dcm", cc),
                 cc.findings.filter((f) => f.score >= start.min_score).length);
    await page.screenshot({ path: path.join(OUT, "viewer-dicom.png") });  // docs/viewer.png
    // A stricter point hides what scores under it; "all findings" shows every one.
    const strict = reply.operating_points.reduce((a, b) => (a.min_score > b.min_score ? a : b));
    await page.locator("#operating-point").selectOption(strict.name);
    assert.equal(await checkOutlines("left_cc.dcm", cc),
                 cc.findings.filter((f) => f.score >= strict.min_score).length);
    await page.locator("#operating-point").selectOption("all");
    assert.equal(await checkOutlines("left_cc.dcm", cc), cc.findings.length);
    // The DICOM's VOI window is the starting window (fixture: centre 1900, width 1400).
    const low = Number(await panel("left_cc.dcm").locator(".viewport").getAttribute("data-window-low"));
    assert.ok(Math.abs(low - 1200) <= 2, `window starts at the file's VOI: ${low}`);
    assert.match(await page.locator("#info").textContent(), /0\.100 mm \(imager_pixel_spacing\)/);
  });

  it("zooms, pans and windows the pixels, outlines following", async () => {
    const view = panel("left_cc.dcm").locator(".viewport");
    const result = dicomReply.images.find((i) => i.name === "left_cc.dcm");
    const before = await shot(view, "before-zoom.png");
    const box = await view.boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(100);
    const zoomed = await shot(view, "zoomed.png");
    assert.ok(!zoomed.equals(before), "zooming changes the pixels");
    assert.ok(Number(await view.getAttribute("data-scale")) > box.height / 1024 * 1.5);
    await page.keyboard.press("ArrowLeft");
    const panned = await shot(view, "panned.png");
    assert.ok(!panned.equals(zoomed), "panning changes the pixels");
    assert.ok(await checkOutlines("left_cc.dcm", result) >= 0);
    // The strongest finding from the list: zoomed there, its outline and members drawn.
    await page.locator("#findings button").first().click();
    assert.equal(await checkOutlines("left_cc.dcm", result), result.findings.length);
    assert.ok(await panel("left_cc.dcm").locator("circle.member").count() > 0,
              "members are ringed when zoomed in");
    await page.screenshot({ path: path.join(OUT, "viewer-finding.png") });
    // Window/level: a right-button drag, then a preset.
    const windowed = await shot(view, "before-window.png");
    await page.mouse.move(box.x + 100, box.y + 100);
    await page.mouse.down({ button: "right" });
    await page.mouse.move(box.x + 250, box.y + 40, { steps: 5 });
    await page.mouse.up({ button: "right" });
    const dragged = await shot(view, "window-dragged.png");
    assert.ok(!dragged.equals(windowed), "window/level changes the pixels");
    await page.selectOption("#preset", "full");
    assert.equal(await view.getAttribute("data-window-high"), "4095");
    await page.keyboard.press("i");
    assert.ok(!(await shot(view, "inverted.png")).equals(dragged), "invert changes the pixels");
    await page.keyboard.press("i");
  });

  it("zooms with the keyboard and magnifies under the pointer", async () => {
    const view = panel("left_cc.dcm").locator(".viewport");
    await page.keyboard.press("0");
    const fitted = Number(await view.getAttribute("data-scale"));
    await page.keyboard.press("+");
    assert.ok(Number(await view.getAttribute("data-scale")) > fitted * 1.2);
    await page.keyboard.press("f");
    assert.equal(Number(await view.getAttribute("data-scale")), fitted);
    await page.keyboard.press("l");
    // Over the strongest finding: the loupe shows the image and the finding's red outline.
    const box = await view.boundingBox();
    const top = dicomReply.images.find((i) => i.name === "left_cc.dcm").findings[0].box;
    const tx = Number(await view.getAttribute("data-tx"));
    const ty = Number(await view.getAttribute("data-ty"));
    const at = (x, y) => page.mouse.move(box.x + x * fitted + tx, box.y + y * fitted + ty);
    await at(top.x + top.w / 2, top.y + top.h / 2);
    const loupe = page.locator("#loupe");
    await loupe.waitFor({ state: "visible" });
    const seen = () => loupe.evaluate((canvas) => {
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let min = 255, max = 0, red = 0;
      for (let i = 0; i < data.length; i += 4) {
        min = Math.min(min, data[i + 1]); max = Math.max(max, data[i + 1]);
        red += data[i] > 200 && data[i + 1] < 110 && data[i + 2] < 110;
      }
      return { spread: max - min, red };
    });
    const marked = await seen();
    assert.ok(marked.spread > 20, `the loupe shows the image (grey spread ${marked.spread})`);
    assert.ok(marked.red > 50, `the loupe shows the outline (${marked.red} red pixels)`);
    await page.screenshot({ path: path.join(OUT, "viewer-loupe.png") });
    await page.keyboard.press("m");
    await at(top.x + top.w / 2 + 1, top.y + top.h / 2);
    assert.equal((await seen()).red, 0, "marks off: none in the loupe either");
    await page.keyboard.press("m");
    await page.keyboard.press("l");
    await loupe.waitFor({ state: "hidden" });
  });

  it("exports the findings as JSON and CSV and the view as PNG", async () => {
    const save = async (button) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
      const file = path.join(OUT, download.suggestedFilename());
      await download.saveAs(file);
      return fs.readFileSync(file);
    };
    const json = JSON.parse(await save("#export-json"));
    const counts = (images) => Object.fromEntries(images.map((i) => [i.name, i.findings.length]));
    assert.deepEqual(counts(json.images), counts(dicomReply.images));
    assert.equal(json.images[0].pixel_spacing_source, "imager_pixel_spacing");
    const csv = (await save("#export-csv")).toString().trim().split("\n");
    assert.equal(csv[0], "image,kind,score,x,y,w,h,calcifications,pixel_spacing_mm,pixel_spacing_source");
    const total = dicomReply.images.reduce((n, i) => n + i.findings.length, 0);
    assert.equal(csv.length, 1 + total);
    const png = await save("#export-png");
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    const panels = await page.locator("#panels").boundingBox();
    assert.ok(png.readUInt32BE(16) > panels.width * 0.9, "the PNG spans the panels");
  });

  it("marks toggle with M", async () => {
    const outlines = page.locator("rect.outline");
    const shown = await outlines.count();
    assert.ok(shown > 0);
    await page.keyboard.press("m");
    assert.equal(await outlines.count(), 0);
    await page.keyboard.press("m");
    assert.equal(await outlines.count(), shown);
  });

  it("opens a mini-MIAS image; the threshold changes the number of marks at once", async (t) => {
    await page.locator("#clear").click();
    let reply;
    if (fs.existsSync(MIAS)) {
      await page.fill("#spacing", "0.2");
      reply = await open([MIAS]);
      assert.equal(await checkOutlines("mdb209.pgm", reply.images[0]), reply.images[0].findings.length);
      assert.match(await page.locator("#info").textContent(), /0\.200 mm \(request\)/);
      await page.screenshot({ path: path.join(OUT, "viewer-mias.png") });
    } else {
      t.diagnostic(`mini-MIAS not found at ${MIAS}: the threshold is checked on the DICOM`);
      reply = await open([path.join(fixtures, "left_cc.dcm")]);
    }
    const scores = reply.images[0].findings.map((f) => f.score);
    for (const threshold of [0, 0.5, 0.95]) {
      await page.locator("#threshold").fill(String(threshold));
      const expected = scores.filter((s) => s >= threshold).length;
      assert.equal(await page.locator("rect.outline").count(), expected, `threshold ${threshold}`);
      assert.equal(await page.locator("#findings li").count(), expected);
    }
    await page.locator("#threshold").fill("0");
  });

  it("shows the API's message for a corrupt file", async () => {
    const corrupt = path.join(fixtures, "corrupt.png");
    const expected = (await apiReply(server.url, corrupt)).error.message;
    assert.match(expected, /corrupt\.png/);
    await page.setInputFiles("#file-input", [corrupt]);
    await page.waitForSelector("#error:not([hidden])");
    assert.equal(await page.locator("#error").textContent(), expected);
  });

  it("opens a dropped file", async () => {
    await page.locator("#clear").click();
    const bytes = fs.readFileSync(path.join(fixtures, "left_cc.dcm")).toString("base64");
    const transfer = await page.evaluateHandle((b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], "dropped.dcm"));
      return dt;
    }, bytes);
    const reply = page.waitForResponse((r) => r.url().endsWith(DETECTION));
    await page.dispatchEvent("#panels", "drop", { dataTransfer: transfer });
    await reply;
    await panel("dropped.dcm").waitFor();
    assert.equal(await panel("dropped.dcm").locator(".tags").textContent(), "L CC");
  });

  it("sends the token the reader types to a server that wants one", async () => {
    const response = await page.goto(tokenServer.url + "/");
    assert.equal(response.status(), 200, "the page itself needs no token");
    const file = path.join(fixtures, "left_cc.dcm");
    await page.setInputFiles("#file-input", [file]);
    await page.waitForSelector("#error:not([hidden])");
    assert.match(await page.locator("#error").textContent(), /authentication required/);
    await page.fill("#token", TOKEN);
    await open([file]);
    assert.equal(await page.locator("#error").isHidden(), true);
  });

  it("made no outside request and logged no console error", async () => {
    // The failed upload above is an HTTP error the page handled; chromium logs the 422 itself.
    // So is the 401 of the token test.
    const unexpected = consoleErrors.filter((e) => !/status of (422|401)/.test(e));
    assert.deepEqual(unexpected, []);
    assert.deepEqual(foreignRequests, []);
  });
});

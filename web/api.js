// The viewer's only contact with the server: the public v2 API (docs/api.md).
//   POST /v2/detection/BreastCalcify  findings, spacing and timings, as JSON
//   POST /v2/images/decode            one image's pixels at full bit depth, for window/level
// Errors come back as ApiError carrying the API's own message.

const DETECTION_PATH = "/v2/detection/BreastCalcify";
const DECODE_PATH = "/v2/images/decode";

export class ApiError extends Error {
  constructor(message, httpStatus, name) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorName = name || "";
  }
}

function headersFor(token) {
  const headers = {};
  if (token) headers.Authorization = "Bearer " + token;
  return headers;
}

// The v2 error shape {"state":N,"error":{"code","name","message"}} (or a legacy/plain body
// from a proxy) as an ApiError.
async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body.error && body.error.message) {
      return new ApiError(body.error.message, response.status, body.error.name);
    }
    if (typeof body.result === "string") return new ApiError(body.result, response.status);
  } catch (_) {
    // not JSON: fall through
  }
  return new ApiError(`HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
}

async function post(path, form, token) {
  let response;
  try {
    response = await fetch(path, { method: "POST", body: form, headers: headersFor(token) });
  } catch (e) {
    throw new ApiError("the server did not answer: " + e.message, 0);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

// Every finding of `files` (File objects), as the v2 reply: operating_point=all, so the
// threshold control filters in the page without asking again. `spacing`: mm per pixel or "".
export async function detect(files, { spacing, token }) {
  const form = new FormData();
  for (const file of files) form.append("images", file, file.name);
  form.append("operating_point", "all");
  if (spacing) form.append("pixel_spacing", String(spacing));
  const response = await post(DETECTION_PATH, form, token);
  return response.json();
}

// One file's decoded pixels: {width, height, bitsStored, format, laterality, view,
// fileWindow: {low, high} | null, samples: Uint8Array | Uint16Array}.
export async function decode(file, { token }) {
  const form = new FormData();
  form.append("images", file, file.name);
  const response = await post(DECODE_PATH, form, token);
  const h = (name) => response.headers.get(name);
  const width = Number(h("X-Image-Width"));
  const height = Number(h("X-Image-Height"));
  const bytesPerSample = Number(h("X-Image-Bytes-Per-Sample"));
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength !== width * height * bytesPerSample) {
    throw new ApiError(`the decoded image of ${file.name} is ${buffer.byteLength} bytes, ` +
                       `expected ${width * height * bytesPerSample}`, response.status);
  }
  let samples;
  if (bytesPerSample === 1) {
    samples = new Uint8Array(buffer);
  } else {
    // The API sends little-endian samples; DataView reads them right on any host.
    const view = new DataView(buffer);
    samples = new Uint16Array(width * height);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getUint16(2 * i, true);
  }
  const low = h("X-Window-Low"), high = h("X-Window-High");
  return {
    width, height, samples,
    bitsStored: Number(h("X-Image-Bits-Stored")),
    format: h("X-Image-Format") || "",
    laterality: h("X-Image-Laterality") || "",
    view: h("X-Image-View") || "",
    fileWindow: low !== null && high !== null ? { low: Number(low), high: Number(high) } : null,
  };
}

// Shared view helpers for the widgets' front ends. meeting_tokens.widgets.assets concatenates
// this file after mirror.js (when a widget needs it) and before the widget's own file, into one
// ES module; nothing here is fetched from anywhere.

import { decodeParts, checkSignature, TokenError } from "./mirror.js";

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value !== null && value !== undefined)
      node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// Replace a node's children, skipping the ones a view left out (null, undefined, false).
export function fill(node, ...children) {
  node.replaceChildren(
    ...children.flat().filter((child) => child !== null && child !== undefined && child !== false),
  );
}

// Who computed what the reader sees: the Python package (stored with the page, or a live
// kernel) or this page's JavaScript.
export const SOURCES = {
  stored: "computed by the Python package when this widget was made",
  page: "computed in this page by JavaScript",
  kernel: "computed by the Python kernel",
};

const KEY_NOTES = {
  page: "Your key stays in this page: nothing is sent or stored.",
  kernel:
    "Your key goes only to this notebook's Python kernel, which signs with it; nothing is sent anywhere else.",
};

// How long a kernel gets to answer the ping before the page takes itself for a static page, when
// sending did not already say so. Generous: a busy kernel in JupyterLab may take a while.
const KERNEL_WAIT_MS = 2000;

// Ask the kernel, if there is one, to say so: `onKernel` when it answers, `onStatic` when sending
// fails (the book's static pages, see book/widgets-js/anywidget-static.js) or nothing has
// answered after KERNEL_WAIT_MS (the full widget manager's static pages send into the void).
function detectKernel(model, onKernel, onStatic) {
  let answered = false;
  const listener = (message) => {
    if (message && message.type === "pong") {
      answered = true;
      onKernel();
    }
  };
  model.on("msg:custom", listener);
  let timer = null;
  try {
    model.send({ type: "ping" });
    if (onStatic) timer = setTimeout(() => answered || onStatic(), KERNEL_WAIT_MS);
  } catch {
    // No comm channel: a static page.
    if (onStatic) queueMicrotask(onStatic);
  }
  return () => {
    clearTimeout(timer);
    model.off("msg:custom", listener);
  };
}

// Follow the model for the edit/answer handshake (see base.py): show Python's answer once it
// answers the latest edit (`answered` echoes `revision`), refresh the form when Python changes
// an input, and tell `onKernel` when a kernel answers the ping. Returns what stops all of it.
export function followModel(model, { outputs, inputs, onAnswer, onInputs, onKernel, onStatic }) {
  const answered = () => {
    if (model.get("answered") === model.get("revision")) onAnswer();
  };
  model.on(outputs, answered);
  model.on(inputs, onInputs);
  const stopDetect = detectKernel(model, onKernel, onStatic);
  return () => {
    model.off(outputs, answered);
    model.off(inputs, onInputs);
    stopDetect();
  };
}

// Send edited traits to the kernel when there is one; in a static page there is no channel.
export function saveChanges(model) {
  try {
    model.save_changes();
  } catch {
    // No comm channel: a static page.
  }
}

// What a widget echoes of a long text: its start and end, and how much was left out, so that a
// 20 KB paste does not push the verdict thousands of pixels down.
const ECHO_LIMIT = 1200;

function shorten(text, limit = ECHO_LIMIT) {
  if (text.length <= limit) return text;
  const head = Math.floor(limit * 0.75);
  const tail = limit - head;
  return `${text.slice(0, head)} … (${text.length - limit} characters not shown) … ${text.slice(-tail)}`;
}

// A part's colour (display.PART_COLOURS), which widgets.css may replace on a dark theme.
const partColour = (part) => `color:var(--mt-part-${part}, ${MT.partColours[part]})`;

export function tokenNode(view, raw) {
  if (!view.segments) return el("div", { className: "mt-token mt-raw", text: shorten(raw) || "(empty)" });
  if (view.segments.join(".").length > ECHO_LIMIT) {
    return el("div", { className: "mt-token mt-raw", text: shorten(view.segments.join(".")) });
  }
  const parts = ["header", "payload", "signature"];
  const spans = view.segments.map((segment, i) =>
    el("span", { style: partColour(parts[i]), text: segment }),
  );
  return el(
    "div",
    { className: "mt-token" },
    spans.flatMap((s, i) => (i ? [".", s] : [s])),
  );
}

// Copy to the clipboard: the Clipboard API where the page may use it, else the older
// execCommand("copy") on a hidden text area. Resolves to whether the browser copied.
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not allowed here (an http page that is not localhost, an old browser): fall back.
  }
  const area = el("textarea", { readonly: true, style: "position:fixed;top:0;left:0;opacity:0" });
  area.value = text;
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

const MARKS = MT.marks; // display.MARKS, keyed "true", "false" and "null"

export function reportNode(view) {
  const rows = view.checks.map(([name, passed, detail]) =>
    el(
      "tr",
      { className: `mt-check-${passed}` },
      el("td", { className: "mt-mark", text: MARKS[passed] }),
      el("td", { text: name }),
      el("td", { text: shorten(detail, 400) }),
    ),
  );
  return el(
    "div",
    { className: "mt-report" },
    // What the inspector removed from a paste (inspection.pasted_token), said before the verdict.
    view.removed ? el("div", { className: "mt-small mt-paste-note", text: view.removed }) : null,
    el("div", { className: `mt-verdict mt-${view.state}`, text: view.verdict }),
    el("table", { className: "mt-checks" }, el("tbody", {}, rows)),
  );
}

export function claimsNode(view) {
  if (!view.claims.length) return null;
  const head = el(
    "tr",
    {},
    ["claim", "property", "value", ""].map((h) => el("th", { text: h })),
  );
  const rows = view.claims.map(([claim, property, value, note]) =>
    el(
      "tr",
      {},
      el("td", {}, el("code", { text: claim })),
      el("td", { text: property }),
      el("td", {}, el("code", { text: shorten(value, 400) })),
      el("td", { className: "mt-note", text: note }),
    ),
  );
  return el("table", { className: "mt-claims" }, el("thead", {}, head), el("tbody", {}, rows));
}

export function decodedNode(view) {
  if (view.header === null) return null;
  const block = (name, text) =>
    el(
      "div",
      {},
      el("div", { className: "mt-label", style: partColour(name), text: name }),
      el("pre", { className: "mt-json", text }),
    );
  return el(
    "div",
    { className: "mt-decoded" },
    block("header", shorten(view.header)),
    block("payload", shorten(view.payload)),
    el(
      "div",
      {},
      el("div", { className: "mt-label", style: partColour("signature"), text: "signature" }),
      el("div", { text: `${view.signature_bytes} bytes (HMAC-SHA256 is 32)` }),
    ),
  );
}

// The signature checked on its own. The checks stop at the first failure, so a token that is both
// out of its time window and signed with another key is reported as out of its window; this line
// says what the key makes of the signature all the same. Null when the report's own signature row ran or cannot run.
export async function signatureApart(view, token, key) {
  const row = view.checks.find(([name]) => name === "signature");
  if (!key || !view.segments || !row || row[1] !== null) return null;
  try {
    return { passed: true, detail: await checkSignature(decodeParts(token), key) };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return { passed: false, detail: error.message };
  }
}

export function signatureNode(apart) {
  if (apart === null) return null;
  return el(
    "div",
    { className: `mt-apart mt-check-${apart.passed}` },
    el("span", { className: "mt-mark", text: `${MARKS[apart.passed]} ` }),
    `Signature, checked on its own (the checks above stop at the first failure): ${apart.detail}`,
  );
}

// Which clock a time-dependent widget judges by: the reader's own (the default in a static page)
// or the instant the widget was made for (the book's build, a notebook's `now`).
export function clockChoice(madeForText, onChange) {
  const select = el(
    "select",
    { className: "mt-clock-choice" },
    el("option", { value: "reader", text: "your clock" }),
    el("option", { value: "made", text: `the instant it was made for, ${madeForText}` }),
  );
  select.addEventListener("change", () => onChange(select.value));
  return { select, label: el("label", {}, "Judge time by ", select) };
}

export function keyField(initial, onInput) {
  const input = el("input", {
    type: "password",
    value: initial,
    autocomplete: "off",
    spellcheck: "false",
    className: "mt-key",
    "aria-label": "signing key",
  });
  input.addEventListener("input", () => onInput(input.value));
  const show = el("input", { type: "checkbox", "aria-label": "show the key" });
  show.addEventListener("change", () => (input.type = show.checked ? "text" : "password"));
  const note = el("div", { className: "mt-key-note", text: KEY_NOTES.page });
  const row = el(
    "div",
    { className: "mt-row" },
    el("label", { text: "Key " }, input),
    el("label", { className: "mt-show" }, show, " show"),
  );
  return { input, note, nodes: [row, note], setKernel: () => (note.textContent = KEY_NOTES.kernel) };
}

// Runs `compute` for the latest edit only: slower (async) answers to older edits are dropped.
export function latestOnly() {
  let latest = 0;
  return async (compute, show) => {
    const ticket = ++latest;
    const result = await compute();
    if (ticket === latest) show(result);
  };
}

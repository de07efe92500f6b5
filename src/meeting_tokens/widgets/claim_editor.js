// ClaimEditor's front end (after mirror.js and view.js in one module; see assets.py).
// Python is the source of truth when a kernel runs: an edit of the form is computed at once in the
// page, then sent to Python (properties, key, room), whose answer replaces it. In a static page
// the page's own answer is what the reader sees, issued by the reader's clock rather than the
// instant the book was built. Two more ways in, computed in the page only: paste a token (it is
// decoded and checked with the key), or edit the decoded payload as JSON (it is signed again
// with the key). The key stays in the page either way.

import { isInt, compactJson, parseJson, pyFormat } from "./pyvalues.js";
import {
  CODES,
  TokenError,
  b64urlEncode,
  decodeParts,
  usableHmacKey,
  unusableKey,
  hmacSha256,
  propertyName,
  signProperties,
  utcText,
  findings,
  pastedToken,
  inspectToken,
} from "./mirror.js";
import {
  el,
  fill,
  SOURCES,
  followModel,
  saveChanges,
  reportNode,
  claimsNode,
  decodedNode,
  keyField,
  latestOnly,
  signatureApart,
  signatureNode,
  clockChoice,
} from "./view.js";

const HS256_HEADER = new Map(Object.entries(MT.hs256Header)); // jwt_parts.HS256_HEADER

// The edited payload signed as PyJWT signs a dict: HS256, compact JSON, in the order written.
async function signPayload(payloadText, key) {
  let payload;
  try {
    payload = parseJson(payloadText);
  } catch (error) {
    const message = pyFormat(MT.messages.jwtParts.not_json, { segment: "payload", problem: error.message });
    throw new TokenError(message, CODES.MalformedTokenError);
  }
  if (!(payload instanceof Map)) {
    throw new TokenError(pyFormat(MT.messages.jwtParts.not_object, { segment: "payload" }), CODES.MalformedTokenError);
  }
  if (!key) throw new TokenError("type a key to sign with", "invalid-key");
  const part = (value) => b64urlEncode(utf8.encode(compactJson(value)));
  const signingInput = `${part(HS256_HEADER)}.${part(payload)}`;
  let keyBytes;
  try {
    keyBytes = usableHmacKey(key);
  } catch (error) {
    throw new TokenError(unusableKey(error), "invalid-key");
  }
  const mac = await hmacSha256(keyBytes, utf8.encode(signingInput));
  return `${signingInput}.${b64urlEncode(mac)}`;
}

// A token's claims under their property names, for the findings (no room, no exp, ...).
function claimsAsProperties(token) {
  try {
    const { payload } = decodeParts(token);
    return new Map([...payload].map(([claim, value]) => [propertyName(claim), value]));
  } catch {
    return new Map();
  }
}

const readerClock = () => Math.floor(Date.now() / 1000);

function fieldValue(field, properties, now) {
  const value = properties[field.name];
  if (value === undefined) return "";
  if (field.kind === "minutes") return isInt(value) ? String((Number(value) - now) / 60) : "";
  if (field.kind === "boolean") return typeof value === "boolean" ? String(value) : "";
  if (field.kind === "seconds") return isInt(value) ? String(value) : "";
  return typeof value === "string" ? value : "";
}

function propertyValue(field, text, now) {
  if (text.trim() === "") return undefined;
  if (field.kind === "boolean") return text === "true";
  if (field.kind === "minutes") {
    const minutes = Number(text);
    return Number.isFinite(minutes) ? now + Math.round(minutes * 60) : undefined;
  }
  if (field.kind === "seconds") {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? Math.round(seconds) : undefined;
  }
  return text;
}

function control(field) {
  if (field.kind === "boolean" || field.kind === "choice") {
    const choices = field.kind === "boolean" ? ["true", "false"] : field.choices;
    return el(
      "select",
      {},
      el("option", { value: "", text: "(not set)" }),
      choices.map((c) => el("option", { value: c, text: c })),
    );
  }
  const numeric = field.kind === "minutes" || field.kind === "seconds";
  return el("input", {
    type: numeric ? "number" : "text",
    step: field.kind === "seconds" ? "1" : "any",
    placeholder: "(not set)",
    spellcheck: "false",
  });
}

function render({ model, el: root }) {
  const controls = new Map(MT.formFields.map((field) => [field.name, control(field)]));
  const form = el(
    "div",
    { className: "mt-form" },
    MT.formFields.map((field) =>
      el("label", {}, el("span", { text: field.label }), controls.get(field.name)),
    ),
  );
  // Whose clock issues the token: the stored widget's (until we know better), the kernel's, or,
  // in a static page, the reader's own. The list picks the reader's clock or the instant the widget
  // was saved with (the book's build, or the notebook's `now`), with or without a kernel.
  let clock = "stored";
  let kernel = false;
  let savedNow = model.get("now"); // follows the kernel's `now` while the reader's clock is not picked
  const CLOCKS = {
    stored: "the instant this widget was saved with",
    kernel: "the instant the Python kernel set (the widget's now)",
    reader: "by your device's clock (no Python kernel runs this page)",
    readerWithKernel: "by your device's clock",
  };
  const clockName = () => (clock === "reader" && kernel ? "readerWithKernel" : clock);
  const now = () => (clock === "reader" ? readerClock() : savedNow);
  let guessedStatic = false; // the reader's clock was picked because no kernel had answered yet
  const choice = clockChoice(utcText(savedNow), (picked) => {
    guessedStatic = false;
    clock = picked === "reader" ? "reader" : kernel ? "kernel" : "stored";
    rerunOrigin();
  });
  choice.select.value = "made";
  // What the token came from: the form (the default), a pasted token, or the edited payload.
  let origin = "form";

  const key = keyField(model.get("api_key"), () => rerunOrigin());
  // The form's token is issued at the clock's instant; a pasted token or payload carries its own
  // iat, so the line says when it was checked instead.
  let checkedAt = null;
  const infoText = () =>
    `Domain ${model.get("domain_id")} · ` +
    (origin === "form"
      ? `issued at (iat) ${utcText(model.get("now"))}, ${CLOCKS[clockName()]}`
      : `checked at ${utcText(checkedAt ?? now())}, ${CLOCKS[clockName()]}; its iat is its own`);
  const info = el("div", { className: "mt-small mt-clock", text: infoText() });
  const checkRoom = el("input", {
    type: "text",
    value: model.get("check_room"),
    spellcheck: "false",
    className: "mt-check-room",
  });
  // The verdict's room follows the token's room (renaming the room keeps the verdict green) until
  // the reader types another one there: then the verdict says "wrong room" for a renamed token.
  let roomFollows = model.get("check_room_follows") ?? true;
  const roomNote = el("span", { className: "mt-small mt-check-room-note" });
  const showRoomNote = () =>
    (roomNote.textContent = roomFollows
      ? " follows the token's room; type another to see the verdict for it"
      : " set by you; the token's room no longer changes it");
  showRoomNote();
  const followRoom = (room) => {
    if (roomFollows) checkRoom.value = typeof room === "string" ? room : "";
  };
  const tokenBox = el("textarea", {
    rows: "3",
    spellcheck: "false",
    className: "mt-paste mt-token-box",
    "aria-label": "token",
    placeholder: "Paste a token here to decode and check it",
  });
  const payloadBox = el("textarea", {
    rows: "7",
    spellcheck: "false",
    className: "mt-paste mt-payload-box",
    "aria-label": "payload JSON",
  });
  const copyButton = el("button", { type: "button", className: "mt-button mt-copy", text: "Copy token" });
  const copyNote = el("span", { className: "mt-small mt-copy-note" });
  const originNote = el("div", { className: "mt-small mt-origin" });
  const output = el("div", { className: "mt-output" });
  root.append(
    el(
      "div",
      { className: "mt-widget mt-editor" },
      form,
      el(
        "div",
        { className: "mt-settings" },
        el("div", {}, el("label", {}, "Verdict for joining the room ", checkRoom), roomNote),
        key.nodes,
        el("div", { className: "mt-row" }, choice.label),
        info,
      ),
      el(
        "div",
        { className: "mt-encoded" },
        el("div", { className: "mt-row" }, el("span", { className: "mt-label", text: "Token" }), copyButton, copyNote),
        tokenBox,
        el("div", { className: "mt-label", text: "Payload (edit the JSON: it is signed again with the key)" }),
        payloadBox,
        originNote,
      ),
      output,
    ),
  );

  const fillForm = () => {
    const properties = model.get("properties");
    for (const field of MT.formFields) {
      const input = controls.get(field.name);
      const current = propertyValue(field, input.value, model.get("now"));
      if (current !== properties[field.name]) input.value = fieldValue(field, properties, model.get("now"));
    }
  };

  const ORIGINS = {
    form: "The token is signed from the form above.",
    token: "The token is the one pasted above, checked with the key; the form is not used.",
    payload: "The token is this payload signed with the key; the form is not used.",
  };
  // The signature checked on its own, after the report, for the latest answer only.
  const apart = el("div", {});
  const showApart = latestOnly();
  const show = ({ token, error, findings: found, view }, source) => {
    info.textContent = infoText();
    fill(apart);
    if (view) {
      showApart(
        () => signatureApart(view, token, key.input.value),
        (result) => fill(apart, signatureNode(result)),
      );
    }
    originNote.textContent = ORIGINS[origin];
    if (origin !== "token") tokenBox.value = token;
    if (origin !== "payload" && view && view.payload !== null) payloadBox.value = view.payload;
    copyNote.textContent = "";
    fill(
      output,
      el("div", {
        className: "mt-small",
        text: token
          ? `Token · ${token.length} characters · ${SOURCES[source]}`
          : `No token · ${SOURCES[source]}`,
      }),
      error ? el("div", { className: "mt-error", text: `Cannot sign: ${error}` }) : null,
      found.length
        ? el(
            "ul",
            { className: "mt-findings" },
            found.map(([code, message]) => el("li", { "data-code": code, text: message })),
          )
        : null,
      view ? reportNode(view) : null,
      apart,
      view ? decodedNode(view) : null,
      view ? claimsNode(view) : null,
    );
  };
  const showModel = (source) =>
    show(
      {
        token: model.get("token"),
        error: model.get("error"),
        findings: model.get("findings"),
        view: model.get("view"),
      },
      source,
    );

  const latest = latestOnly();
  const edit = () => {
    origin = "form";
    const issuedAt = now();
    const properties = { ...model.get("properties") };
    for (const field of MT.formFields) {
      const value = propertyValue(field, controls.get(field.name).value, issuedAt);
      if (value === undefined) delete properties[field.name];
      else properties[field.name] = value;
    }
    const apiKey = key.input.value;
    followRoom(properties.room_name);
    const room = checkRoom.value;
    const changes = {
      properties,
      api_key: apiKey,
      check_room: room,
      check_room_follows: roomFollows,
      revision: model.get("revision") + 1,
    };
    // One set for the properties and their instant, so the form's minutes stay what the reader typed.
    model.set({ ...changes, now: issuedAt });
    saveChanges(model);
    latest(
      async () => {
        try {
          const token = await signProperties(properties, apiKey, {
            domainId: model.get("domain_id"),
            now: issuedAt,
          });
          const view = await inspectToken(token, { key: apiKey, roomName: room, now: issuedAt });
          return {
            token,
            error: "",
            findings: findings(properties, apiKey, token).map((f) => [f.code, f.message]),
            view,
          };
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          return {
            token: "",
            error: error.message,
            findings: findings(properties, apiKey, null).map((f) => [f.code, f.message]),
            view: null,
          };
        }
      },
      (result) => show(result, "page"),
    );
  };

  // A pasted token or an edited payload: computed in the page only, and checked at the reader's
  // clock when no kernel runs (a kernel's widget keeps its own instant).
  const check = async (token) => {
    const apiKey = key.input.value;
    checkedAt = now();
    const properties = claimsAsProperties(token);
    followRoom(properties.get("room_name"));
    const view = await inspectToken(token, { key: apiKey, roomName: checkRoom.value, now: checkedAt });
    const found = findings(properties, apiKey, token).map((f) => [f.code, f.message]);
    return { token, error: "", findings: found, view };
  };
  const pasted = () => {
    origin = "token";
    latest(() => check(pastedToken(tokenBox.value).token), (result) => show(result, "page"));
  };
  const payloadEdited = () => {
    origin = "payload";
    latest(
      async () => {
        try {
          return await check(await signPayload(payloadBox.value, key.input.value));
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          return { token: "", error: error.message, findings: [], view: null };
        }
      },
      (result) => show(result, "page"),
    );
  };
  const rerun = { form: edit, token: pasted, payload: payloadEdited };
  function rerunOrigin() {
    rerun[origin]();
  }

  for (const input of controls.values())
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", edit);
  checkRoom.addEventListener("input", () => {
    roomFollows = false;
    showRoomNote();
    rerunOrigin();
  });
  tokenBox.addEventListener("input", pasted);
  payloadBox.addEventListener("input", payloadEdited);
  copyButton.addEventListener("click", async () => {
    const copied = await copyText(pastedToken(tokenBox.value).token);
    copyNote.textContent = copied ? "Copied." : "The browser refused: select the token and copy it.";
    if (!copied) tokenBox.select();
  });

  // Any change that comes from the model after the first paint comes from a kernel. Python's
  // answer is shown once it answers the latest edit (`answered` echoes `revision`).
  const onInputs = () => {
    if (clock !== "reader") savedNow = model.get("now");
    info.textContent = infoText();
    fillForm();
    if (key.input.value !== model.get("api_key")) key.input.value = model.get("api_key");
    if (checkRoom.value !== model.get("check_room")) checkRoom.value = model.get("check_room");
    roomFollows = model.get("check_room_follows") ?? roomFollows;
    showRoomNote();
  };
  const stop = followModel(model, {
    outputs: "change:answered change:token change:error change:findings change:view",
    inputs: "change:properties change:now change:api_key change:check_room change:check_room_follows change:domain_id",
    onAnswer: () => {
      if (origin === "form") showModel("kernel");
    },
    onInputs,
    onKernel: () => {
      kernel = true;
      key.setKernel();
      // A busy kernel may answer after the page took itself for static and picked the reader's
      // clock: the kernel's instant comes back then, unless the reader picked a clock since.
      if (clock === "stored" || guessedStatic) {
        clock = "kernel";
        choice.select.value = "made";
      }
      info.textContent = infoText();
      if (guessedStatic) {
        guessedStatic = false;
        rerunOrigin();
      }
    },
    // No kernel: sign again at once, issued now by the reader's clock, not at the build's instant.
    onStatic: () => {
      clock = "reader";
      guessedStatic = true;
      choice.select.value = "reader";
      rerunOrigin();
    },
  });

  fillForm();
  showModel("stored");
  return stop;
}

export default { render };

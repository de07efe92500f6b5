// TokenInspector's front end (after mirror.js and view.js in one module; see assets.py).
// Paste a token: the page checks it at once, and a kernel, if one runs, checks it again in Python
// and its answer replaces the page's.

import { utcText, pastedToken, inspectToken } from "./mirror.js";
import {
  el,
  fill,
  SOURCES,
  followModel,
  saveChanges,
  tokenNode,
  reportNode,
  claimsNode,
  decodedNode,
  keyField,
  latestOnly,
  signatureApart,
  signatureNode,
  clockChoice,
} from "./view.js";

function render({ model, el: root }) {
  const tokenBox = el("textarea", {
    rows: "4",
    spellcheck: "false",
    className: "mt-paste",
    placeholder: "Paste a token (three base64url parts separated by dots)",
    "aria-label": "token",
  });
  tokenBox.value = model.get("token");
  const room = el("input", {
    type: "text",
    value: model.get("room_name"),
    spellcheck: "false",
    placeholder: "(any room)",
  });
  const key = keyField(model.get("api_key"), () => edit());
  // The clock the checks use: in a static page the reader's (the stored answer was computed at the
  // instant the book was built, which would call a token signed a minute ago "issued in the
  // future"); with a kernel, whatever the notebook set (`now`, or None for the kernel's clock).
  // The instant the widget was made for stays available in the list.
  const madeFor = model.get("now") ?? model.get("checked_at");
  let clock = model.get("now") === null ? "reader" : "made";
  let kernel = false;
  const choice = clockChoice(utcText(Math.floor(madeFor)), (picked) => {
    clock = picked;
    edit();
  });
  choice.select.value = clock;
  const clockText = el("span", { className: "mt-clock" });
  const clockButton = el("button", { type: "button", className: "mt-button", text: "Check again now" });
  const apart = el("div", {});
  const output = el("div", { className: "mt-output" });
  root.append(
    el(
      "div",
      { className: "mt-widget mt-inspector" },
      tokenBox,
      el(
        "div",
        { className: "mt-settings" },
        el("label", {}, "Joining the room ", room),
        key.nodes,
        el(
          "div",
          { className: "mt-small" },
          "Without a key only the pre-checks run; the signature stays unchecked.",
        ),
      ),
      el("div", { className: "mt-small mt-row" }, choice.label, clockText, clockButton),
      output,
    ),
  );

  const CLOCKS = {
    reader: "by your device's clock",
    kernel: "by the Python kernel's clock",
    made: "the instant this widget was made for, not your clock",
    stored: "when this widget was saved",
  };
  const showClock = (instant, source) => {
    const whose = source === "stored" ? "stored" : clock === "made" ? "made" : kernel ? "kernel" : "reader";
    clockText.textContent = `Checked at ${utcText(Math.floor(instant))}, ${CLOCKS[whose]}.`;
    clockButton.hidden = clock === "made";
  };
  // The signature line comes after the report, for the latest check only.
  const showApart = latestOnly();
  const show = (view, instant, source) => {
    showClock(instant, source);
    fill(apart);
    const { token } = pastedToken(tokenBox.value);
    if (!token) {
      // Nothing to check yet: say so, rather than report an empty text as a malformed token.
      fill(output, el("div", { className: "mt-verdict mt-unchecked", text: "Paste a token above to check it." }));
      return;
    }
    fill(
      output,
      el("div", { className: "mt-small", text: `${view.length} characters · ${SOURCES[source]}` }),
      tokenNode(view, token),
      reportNode(view),
      apart,
      decodedNode(view),
      claimsNode(view),
    );
    showApart(
      () => signatureApart(view, token, key.input.value),
      (result) => fill(apart, signatureNode(result)),
    );
  };
  const showModel = (source) => show(model.get("view"), model.get("checked_at"), source);

  const latest = latestOnly();
  const edit = () => {
    const now = clock === "made" ? madeFor : Date.now() / 1000;
    const token = tokenBox.value;
    const apiKey = key.input.value;
    const roomName = room.value;
    // A kernel checks at `now`: None is its own clock, the reader's when it runs on their machine.
    const changes = { token, api_key: apiKey, room_name: roomName, now: clock === "made" ? madeFor : null };
    model.set({ ...changes, revision: model.get("revision") + 1 });
    saveChanges(model);
    latest(
      async () => inspectToken(token, { key: apiKey, roomName, now, leeway: model.get("leeway") }),
      (view) => show(view, now, "page"),
    );
  };
  tokenBox.addEventListener("input", edit);
  room.addEventListener("input", edit);
  clockButton.addEventListener("click", edit);

  const onInputs = () => {
    if (tokenBox.value !== model.get("token")) tokenBox.value = model.get("token");
    if (room.value !== model.get("room_name")) room.value = model.get("room_name");
    if (key.input.value !== model.get("api_key")) key.input.value = model.get("api_key");
  };
  const stop = followModel(model, {
    outputs: "change:answered change:view change:checked_at",
    inputs: "change:token change:room_name change:api_key",
    onAnswer: () => showModel("kernel"),
    onInputs,
    onKernel: () => {
      kernel = true;
      key.setKernel();
      showClock(model.get("checked_at"), "kernel");
    },
    // No kernel: check again at once, by the reader's clock unless the list says otherwise.
    onStatic: () => {
      clock = "reader";
      choice.select.value = clock;
      edit();
    },
  });
  showModel("stored");
  return stop;
}

export default { render };

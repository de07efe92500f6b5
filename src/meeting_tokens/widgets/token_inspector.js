// TokenInspector's front end (after mirror.js and view.js in one module; see assets.py).
// Paste a token: the page checks it at once, and a kernel, if one runs, checks it again in Python
// and its answer replaces the page's.

import { utcText, stripToken, inspectToken } from "./mirror.js";
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
  const clockText = el("span", {});
  const clockButton = el("button", { type: "button", className: "mt-button" });
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
      el("div", { className: "mt-small mt-row" }, clockText, clockButton),
      output,
    ),
  );

  const showClock = (instant) => {
    const live = model.get("now") === null;
    const when = utcText(Math.floor(instant));
    clockText.textContent = live
      ? `Checked at ${when}, by the clock.`
      : `Checked at ${when}, the instant this widget was made for.`;
    clockButton.textContent = live ? "Check again now" : "Use my clock";
  };
  const show = (view, instant, source) => {
    showClock(instant);
    const token = stripToken(tokenBox.value);
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
      decodedNode(view),
      claimsNode(view),
    );
  };
  const showModel = (source) => show(model.get("view"), model.get("checked_at"), source);

  const latest = latestOnly();
  const edit = () => {
    const now = model.get("now") ?? Date.now() / 1000;
    const token = tokenBox.value;
    const apiKey = key.input.value;
    const roomName = room.value;
    model.set({ token, api_key: apiKey, room_name: roomName, revision: model.get("revision") + 1 });
    saveChanges(model);
    latest(
      async () => inspectToken(token, { key: apiKey, roomName, now, leeway: model.get("leeway") }),
      (view) => show(view, now, "page"),
    );
  };
  tokenBox.addEventListener("input", edit);
  room.addEventListener("input", edit);
  clockButton.addEventListener("click", () => {
    model.set("now", null);
    edit();
  });

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
    onKernel: key.setKernel,
  });
  showModel("stored");
  return stop;
}

export default { render };

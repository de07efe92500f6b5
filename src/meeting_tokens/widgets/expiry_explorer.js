// ExpiryExplorer's front end (after mirror.js and view.js in one module; see assets.py).
// The timeline picture is drawn by matplotlib in Python; the page places the "now" marker on it
// and computes the verdict at that instant itself, so the slider works without a kernel.

import { utcText, inspectToken } from "./mirror.js";
import {
  el,
  fill,
  SOURCES,
  followModel,
  saveChanges,
  reportNode,
  claimsNode,
  latestOnly,
} from "./view.js";

function offsetText(seconds) {
  const sign = seconds < 0 ? "−" : "+";
  const s = Math.abs(Math.round(seconds));
  const parts = [
    [Math.floor(s / 86400), "d"],
    [Math.floor((s % 86400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "min"],
    [s % 60, "s"],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`);
  return shown.length ? `${sign} ${shown.join(" ")}` : "";
}

function render({ model, el: root }) {
  const picture = el("img", {
    src: model.get("plot"),
    alt: "the token's timeline: iat, nbf, exp and the leeway around them",
    className: "mt-plot dark-light",
  });
  const marker = el("div", { className: "mt-marker" });
  const stage = el("div", { className: "mt-stage" }, picture, marker);
  const slider = el("input", { type: "range", className: "mt-slider", "aria-label": "now" });
  const where = el("div", { className: "mt-now" });
  const jumps = el("div", { className: "mt-row" });
  const output = el("div", { className: "mt-output" });
  const track = el("div", { className: "mt-track" }, slider);
  root.append(el("div", { className: "mt-widget mt-explorer" }, stage, track, where, jumps, output));

  const place = (now) => {
    const axes = model.get("axes");
    const fraction = (now - axes.start) / (axes.end - axes.start);
    const left = axes.left + Math.min(Math.max(fraction, 0), 1) * (axes.right - axes.left);
    marker.style.left = `${left * 100}%`;
    marker.style.top = `${(1 - axes.top) * 100}%`;
    marker.style.height = `${(axes.top - axes.bottom) * 100}%`;
    const offset = offsetText(now - model.get("origin")) || "exactly";
    where.textContent = `now = ${model.get("origin_name")} ${offset} · ${utcText(now)}`;
  };
  const show = (view, source) => {
    fill(
      output,
      reportNode(view),
      claimsNode(view),
      el("div", { className: "mt-small", text: SOURCES[source] }),
    );
  };
  const setup = () => {
    const axes = model.get("axes");
    picture.src = model.get("plot");
    slider.min = String(axes.start);
    slider.max = String(axes.end);
    slider.step = "1";
    slider.value = String(model.get("now"));
    // The slider spans the plot's axis, so its thumb sits under the marker.
    slider.style.marginLeft = `${axes.left * 100}%`;
    slider.style.width = `${(axes.right - axes.left) * 100}%`;
    fill(
      jumps,
      "Jump to ",
      Object.entries(model.get("marks")).map(([name, instant]) =>
        el("button", { type: "button", className: "mt-button", text: name, onclick: () => moveTo(instant) }),
      ),
    );
    place(model.get("now"));
  };

  const latest = latestOnly();
  const moveTo = (now) => {
    slider.value = String(now);
    place(now);
    model.set({ now, revision: model.get("revision") + 1 });
    saveChanges(model);
    latest(
      async () => inspectToken(model.get("token"), { now, leeway: model.get("leeway") }),
      (view) => show(view, "page"),
    );
  };
  slider.addEventListener("input", () => moveTo(Number(slider.value)));

  const stop = followModel(model, {
    outputs: "change:answered change:view",
    inputs: "change:plot change:axes change:marks",
    onAnswer: () => show(model.get("view"), "kernel"),
    onInputs: setup,
    onKernel: () => {}, // the explorer's text does not depend on where it is computed
  });
  setup();
  show(model.get("view"), "stored");
  return stop;
}

export default { render };

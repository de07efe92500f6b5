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
  clockChoice,
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
  const picture = el("img", { src: model.get("plot"), className: "mt-plot dark-light" });
  const marker = el("div", { className: "mt-marker" });
  const stage = el("div", { className: "mt-stage" }, picture, marker);
  const slider = el("input", {
    type: "range",
    className: "mt-slider",
    "aria-label": "the instant to judge the token at",
  });
  const where = el("div", { className: "mt-now" });
  const jumps = el("div", { className: "mt-row" });
  const output = el("div", { className: "mt-output" });
  const track = el("div", { className: "mt-track" }, slider);
  // Where the slider starts: in a static page at the reader's clock (the instant the widget was
  // made for is the book's build, long past for most readers); with a kernel where Python put it.
  // The list moves it to either.
  const madeFor = model.get("now");
  const readerClock = () => Math.floor(Date.now() / 1000);
  const choice = clockChoice(utcText(madeFor), (picked) =>
    picked === "made" ? moveTo(madeFor, "made") : moveTo(readerClock(), "reader"),
  );
  choice.select.value = "made";
  const clockText = el("div", { className: "mt-small mt-clock" });
  root.append(
    el(
      "div",
      { className: "mt-widget mt-explorer" },
      stage,
      track,
      where,
      el("div", { className: "mt-small mt-row" }, choice.label, clockText),
      jumps,
      output,
    ),
  );

  // What put the slider where it is: the reader's clock, the instant the widget was made for, or
  // the reader's hand (the slider, a jump).
  const CLOCKS = {
    reader: "The slider is at your device's clock",
    made: "The slider is at the instant this widget was made for, not your clock",
    slider: "You moved the slider: the verdict is for that instant, not your clock",
  };
  let at = "made";
  const place = (now) => {
    const axes = model.get("axes");
    const fraction = (now - axes.start) / (axes.end - axes.start);
    const left = axes.left + Math.min(Math.max(fraction, 0), 1) * (axes.right - axes.left);
    marker.style.left = `${left * 100}%`;
    marker.style.top = `${(1 - axes.top) * 100}%`;
    marker.style.height = `${(axes.top - axes.bottom) * 100}%`;
    const offset = offsetText(now - model.get("origin")) || "exactly";
    where.textContent = `now = ${model.get("origin_name")} ${offset} · ${utcText(now)}`;
    const off = now > axes.end ? " (after the timeline's right end)" : now < axes.start ? " (before its left end)" : "";
    clockText.textContent = `${CLOCKS[at]}${off}.`;
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
    const marks = Object.entries(model.get("marks")).map(([name, instant]) => `${name} at ${utcText(instant)}`);
    picture.alt = `Timeline of the token: ${marks.join(", ")}; the blue line marks the slider's instant`;
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
      el("button", { type: "button", className: "mt-button", text: "your clock", onclick: () => moveTo(readerClock(), "reader") }),
      Object.entries(model.get("marks")).map(([name, instant]) =>
        el("button", { type: "button", className: "mt-button", text: name, onclick: () => moveTo(instant) }),
      ),
    );
    place(model.get("now"));
  };

  const latest = latestOnly();
  const moveTo = (now, source = "slider") => {
    at = source;
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
    // No kernel: move to the reader's clock, where the verdict means "this token, for you, now".
    onStatic: () => {
      choice.select.value = "reader";
      moveTo(readerClock(), "reader");
    },
  });
  setup();
  show(model.get("view"), "stored");
  return stop;
}

export default { render };

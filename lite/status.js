// What the Lite lab is doing while it starts, in words, never a bare spinner: downloading the
// notebook interface, downloading Python and the book's packages (bytes so far, of how many),
// starting Python, loading the packages, ready. A failed or cut-off download, or a part of the
// lab that does not load, stops it with a message that names the file, and a Retry button.
// book/_ext/book_lite.py adds this script to lite/lab/index.html and fills in EXPECTED; the
// kernel's worker reports its downloads through worker-progress.js.
(() => {
  const EXPECTED = "__BOOK_LITE_EXPECTED__";
  const STALL_S = 60;
  const started = performance.now();
  const total = Object.values(EXPECTED.sizes).reduce((sum, size) => sum + size, 0);
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  const state = { step: "lab", seen: ["lab"], labBytes: 0, kernelBytes: 0, pending: new Set(), failed: null,
                  changed: started };
  window.bookLiteStatus = state; // for the curious (and the tests): the steps seen, what failed
  const steps = [
    ["lab", "Downloading the notebook interface (JupyterLab)"],
    ["python", "Downloading Python (Pyodide) and the book's packages"],
    ["start", "Starting Python (while the packages arrive)"],
    ["packages", `Loading the packages (${EXPECTED.packages})`],
    ["ready", "Python is ready"],
  ];

  const box = document.createElement("div");
  box.className = "lite-status";
  box.setAttribute("role", "status");
  box.setAttribute("aria-live", "polite");
  box.innerHTML =
    '<p class="lite-status-title"></p><ol class="lite-status-steps"></ol><p class="lite-status-note"></p>' +
    '<button type="button" class="lite-status-retry" hidden>Retry</button>';
  const [title, list, note] = box.querySelectorAll("p, ol");
  const retry = box.querySelector("button");
  retry.addEventListener("click", () => location.reload());
  const style = document.createElement("style");
  style.textContent = `
    .lite-status { position: fixed; z-index: 10000; bottom: 1rem; left: 50%; transform: translateX(-50%);
      width: 30rem; max-width: calc(100vw - 2rem); box-sizing: border-box; padding: 0.8rem 1rem;
      background: #fff; color: #1a1a1a; border: 1px solid #bbb; border-radius: 6px;
      box-shadow: 0 2px 10px rgba(0,0,0,.2); font: 14px/1.4 system-ui, sans-serif; }
    .lite-status-title { font-weight: 600; margin: 0 0 .4rem; }
    .lite-status-steps { margin: 0 0 .4rem; padding-left: 1.4rem; }
    .lite-status-steps li { color: #555; }
    .lite-status-steps li.now { color: #1a1a1a; font-weight: 600; }
    .lite-status-steps li.done::marker { content: "\\2713  "; }
    .lite-status-note { margin: 0; color: #444; }
    .lite-status-failed { border-color: #b00020; }
    .lite-status-failed .lite-status-title { color: #b00020; }
    .lite-status-retry { margin-top: .5rem; font: inherit; padding: .3rem 1rem; cursor: pointer; }`;

  function render() {
    const seconds = Math.round((performance.now() - started) / 1000);
    const at = steps.findIndex(([key]) => key === state.step);
    list.replaceChildren(
      ...steps.map(([key, words], index) => {
        const item = document.createElement("li");
        let text = words;
        if (key === "lab" && state.labBytes) text += `: ${mb(state.labBytes)} MB`;
        if (key === "python" && index === at) text += `: ${mb(state.kernelBytes)} of ${mb(total)} MB`;
        item.textContent = text;
        item.className = index < at ? "done" : index === at ? "now" : "";
        return item;
      }),
    );
    if (state.failed) {
      box.classList.add("lite-status-failed");
      title.textContent = "Python could not start";
      note.textContent = `${state.failed} Check the connection, then retry (the files that arrived whole stay in the browser's cache).`;
      retry.hidden = false;
      return;
    }
    title.textContent = state.step === "ready" ? "Python is ready" : `Starting Python in this tab: ${seconds} s so far`;
    const stalled = (performance.now() - state.changed) / 1000 > STALL_S && state.step !== "ready";
    note.textContent = stalled
      ? `Nothing has moved for ${STALL_S} s: the connection may have dropped. Wait, or retry.`
      : `The first start ${EXPECTED.first}; a later one ${EXPECTED.later}.`;
    retry.hidden = !stalled;
  }

  function advance(step) {
    const order = steps.map(([key]) => key);
    if (order.indexOf(step) > order.indexOf(state.step)) {
      state.step = step;
      state.seen.push(step);
    }
    state.changed = performance.now();
  }

  function fail(why) {
    if (state.failed || state.step === "ready") return;
    state.failed = why;
    render();
  }

  // Held by the window: a channel nothing refers to may be collected, and then hears nothing.
  window.bookLiteChannel = new BroadcastChannel("book-lite-kernel");
  window.bookLiteChannel.onmessage = ({ data }) => {
    if (data.kind === "failed") return fail(`The download of ${data.name} failed: ${data.why}.`);
    if (data.kind === "error") return fail(`The Python kernel stopped: ${data.why}.`);
    state.changed = performance.now();
    if (data.kind === "start") {
      state.pending.add(data.name);
      advance("python");
    } else if (data.kind === "bytes" && data.name in EXPECTED.sizes) {
      state.kernelBytes += data.size;
    } else if (data.kind === "done") {
      state.pending.delete(data.name);
      const waiting = [...state.pending];
      // The core first (Python starts once it is in), then the wheels (loaded once all are in).
      if (!waiting.some((name) => !name.endsWith(".whl"))) advance("start");
      if (waiting.length === 0 && state.step === "start") advance("packages");
    }
  };

  new PerformanceObserver((entries) => {
    for (const entry of entries.getEntries()) state.labBytes += entry.decodedBodySize || 0;
  }).observe({ type: "resource", buffered: true });

  window.addEventListener(
    "error",
    (event) => {
      const source = event.target?.src || event.target?.href;
      if (source) fail(`A part of the notebook interface did not load (${source.split("/").pop()}).`);
    },
    true,
  );
  window.addEventListener("unhandledrejection", (event) => {
    const reason = String(event.reason?.message || event.reason);
    if (/chunk|import|fetch|network/i.test(reason)) fail(`A part of the notebook interface did not load: ${reason}.`);
  });

  // Ready when the kernel answers its first request (its info), which it does once it has started.
  // Each kernel the notebook is given is asked: while Lab starts, the first one may be replaced
  // (a restored layout and the launch opening the same notebook), and its answer never comes.
  let asked = null;
  const timer = setInterval(() => {
    const kernel = window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
    if (kernel?.status === "dead") fail("The Python kernel stopped while starting.");
    if (kernel && kernel !== asked) {
      asked = kernel;
      kernel.info.then(() => {
        if (state.step === "ready") return;
        advance("ready");
        clearInterval(timer);
        render();
        setTimeout(() => box.remove(), 2500);
      }, (error) => kernel === asked && fail(`The Python kernel did not start: ${error}.`));
    }
    if (state.failed) return clearInterval(timer);
    render();
  }, 250);

  const show = () => {
    document.head.append(style);
    document.body.append(box);
    render();
  };
  if (document.body) show();
  else document.addEventListener("DOMContentLoaded", show);
})();

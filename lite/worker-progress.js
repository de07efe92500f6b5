// Put before the Pyodide kernel's web worker by book/_ext/book_lite.py: tells the lab page
// (status.js) what the worker downloads, as the bytes arrive, and which download failed, on a
// BroadcastChannel. The worker's own code is unchanged; only its fetch is watched.
(() => {
  const channel = new BroadcastChannel("book-lite-kernel");
  const send = (message) => channel.postMessage(message);
  const realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const name = decodeURIComponent(url.split(/[?#]/)[0].split("/").pop());
    send({ kind: "start", name });
    let response;
    try {
      response = await realFetch(input, init);
    } catch (error) {
      send({ kind: "failed", name, why: "the connection failed" });
      throw error;
    }
    if (!response.ok) {
      send({ kind: "failed", name, why: `the server answered ${response.status} ${response.statusText}` });
      return response;
    }
    if (!response.body) {
      send({ kind: "done", name });
      return response;
    }
    const [watched, given] = response.body.tee();
    (async () => {
      const reader = watched.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          send({ kind: "bytes", name, size: value.byteLength });
        }
        send({ kind: "done", name });
      } catch {
        send({ kind: "failed", name, why: "the download was cut off before its end" });
      }
    })();
    const { status, statusText, headers } = response;
    return new Response(given, { status, statusText, headers });
  };
  self.addEventListener("unhandledrejection", (event) => send({ kind: "error", why: String(event.reason) }));
})();

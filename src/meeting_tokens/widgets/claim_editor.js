// ClaimEditor's front end (after mirror.js and view.js in one module; see assets.py).
// Python is the source of truth when a kernel runs: an edit here is computed at once in the page,
// then sent to Python (properties, key, room), whose answer replaces it. In a static page the
// page's own answer is what the reader sees.

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
  const key = keyField(model.get("api_key"), () => edit());
  const infoText = () => `Domain ${model.get("domain_id")} · issued at (iat) ${utcText(model.get("now"))}`;
  const info = el("div", { className: "mt-small", text: infoText() });
  const checkRoom = el("input", { type: "text", value: model.get("check_room"), spellcheck: "false" });
  const output = el("div", { className: "mt-output" });
  root.append(
    el(
      "div",
      { className: "mt-widget mt-editor" },
      form,
      el(
        "div",
        { className: "mt-settings" },
        key.nodes,
        el("label", {}, "Verdict for joining the room ", checkRoom),
        info,
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

  const show = ({ token, error, findings: found, view }, source) => {
    fill(
      output,
      el("div", {
        className: "mt-small",
        text: token
          ? `Token · ${token.length} characters · ${SOURCES[source]}`
          : `No token · ${SOURCES[source]}`,
      }),
      error ? el("div", { className: "mt-error", text: `Cannot sign: ${error}` }) : tokenNode(view, token),
      found.length
        ? el(
            "ul",
            { className: "mt-findings" },
            found.map(([code, message]) => el("li", { "data-code": code, text: message })),
          )
        : null,
      view ? reportNode(view) : null,
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
    const properties = { ...model.get("properties") };
    for (const field of MT.formFields) {
      const value = propertyValue(field, controls.get(field.name).value, model.get("now"));
      if (value === undefined) delete properties[field.name];
      else properties[field.name] = value;
    }
    const apiKey = key.input.value;
    const room = checkRoom.value;
    const now = model.get("now");
    model.set({ properties, api_key: apiKey, check_room: room, revision: model.get("revision") + 1 });
    saveChanges(model);
    latest(
      async () => {
        try {
          const token = await signProperties(properties, apiKey, { domainId: model.get("domain_id"), now });
          const view = await inspectToken(token, { key: apiKey, roomName: room, now });
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

  for (const input of controls.values())
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", edit);
  checkRoom.addEventListener("input", edit);

  // Any change that comes from the model after the first paint comes from a kernel. Python's
  // answer is shown once it answers the latest edit (`answered` echoes `revision`).
  const onInputs = () => {
    info.textContent = infoText();
    fillForm();
    if (key.input.value !== model.get("api_key")) key.input.value = model.get("api_key");
    if (checkRoom.value !== model.get("check_room")) checkRoom.value = model.get("check_room");
  };
  const stop = followModel(model, {
    outputs: "change:answered change:token change:error change:findings change:view",
    inputs: "change:properties change:now change:api_key change:check_room change:domain_id",
    onAnswer: () => showModel("kernel"),
    onInputs,
    onKernel: key.setKernel,
  });

  fillForm();
  showModel("stored");
  return stop;
}

export default { render };

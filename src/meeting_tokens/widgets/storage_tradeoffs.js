// StorageTradeoffs' front end (after view.js; see assets.py). Every cell comes from
// meeting_tokens.chapters.storage_options through the `table` trait; the page only picks and highlights, so the
// selection works without a kernel.

import { el, saveChanges } from "./view.js";

// Cells wrap at spaces (widgets.css); a dotted name such as object.method() may also wrap after a
// dot, where a <wbr> lets it, rather than the browser breaking it inside a word.
function wrapAtDots(text) {
  return text.split(/(?<=\.)(?=\w)/).flatMap((part, i) => (i === 0 ? [part] : [el("wbr"), part]));
}

function render({ model, el: root }) {
  const table = model.get("table");
  // Saved widget state has its dict keys sorted; the lists keep Python's order.
  const columns = table.column_order ?? Object.keys(table.columns);
  const lifetimes = table.lifetime_order ?? Object.keys(table.lifetimes);
  const choice = el(
    "select",
    { "aria-label": "where the token lives" },
    table.rows.map((row) => el("option", { value: row.key, text: row.label })),
  );
  const lifetime = el(
    "select",
    { "aria-label": "token lifetime" },
    lifetimes.map((key) => el("option", { value: key, text: table.lifetimes[key] })),
  );
  const summary = el("p", { className: "mt-summary" });
  const body = el("tbody", {});
  const head = el(
    "tr",
    {},
    columns.map((name) => el("th", { text: table.columns[name] })),
  );
  root.append(
    el(
      "div",
      { className: "mt-widget mt-storage" },
      el(
        "div",
        { className: "mt-row" },
        el("label", {}, `${table.columns.label} `, choice),
        el("label", {}, "Lifetime ", lifetime),
      ),
      summary,
      el(
        "div",
        { className: "mt-scroll" },
        el("table", { className: "mt-tradeoffs" }, el("thead", {}, head), body),
      ),
    ),
  );

  const show = () => {
    const picked = model.get("choice");
    const life = model.get("lifetime");
    choice.value = picked;
    lifetime.value = life;
    summary.textContent = table.summaries[life][picked];
    body.replaceChildren(
      ...table.rows.map((row) =>
        el(
          "tr",
          { className: row.key === picked ? "mt-picked" : "", onclick: () => pick(row.key) },
          columns.map((name) =>
            el(
              name === "label" ? "th" : "td",
              { "data-column": table.columns[name] }, // the heading, shown beside the cell on phones
              wrapAtDots(name === "stolen_useful" ? table.stolen[life][row.key] : row[name]),
            ),
          ),
        ),
      ),
    );
  };
  const pick = (key) => {
    model.set("choice", key);
    saveChanges(model);
    show();
  };
  choice.addEventListener("change", () => pick(choice.value));
  lifetime.addEventListener("change", () => {
    model.set("lifetime", lifetime.value);
    saveChanges(model);
    show();
  });
  model.on("change:choice change:lifetime", show);
  show();
  return () => model.off("change:choice change:lifetime", show);
}

export default { render };

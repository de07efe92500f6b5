// Draws the book's saved anywidgets in a static page, without a kernel and without the 3.6 MB
// widget manager (embed-amd.js). Loaded on pages that hold widget state (nb_ipywidgets_js in
// _config.yml).
//
// Every widget in this book is an anywidget: its saved state carries its ES module (`_esm`) and
// its stylesheet (`_css`), and its view needs nothing of ipywidgets but a model with get, set,
// on, off, save_changes and send. This script gives each view that model, built from the saved
// state, imports the module from a blob: URL and calls its render(), in the same place and with
// the same classes as the widget manager would (`.widget-subarea > .lm-Widget`). A page whose
// state holds any other kind of widget, or binary buffers, is handed to the full manager instead:
// require.js, require-config.js and embed-amd.js, loaded from this folder in that order.
(function () {
  "use strict";
  var STATE_TYPE = "application/vnd.jupyter.widget-state+json";
  var VIEW_TYPE = "application/vnd.jupyter.widget-view+json";
  var script = document.currentScript;
  var folder = script.src.slice(0, script.src.lastIndexOf("/") + 1);

  // Models this script can stand in for: anywidget's, and the layout each of them points to.
  function drawable(model) {
    if (model.buffers && model.buffers.length) return false;
    if (model.model_module === "anywidget" && model.model_name === "AnyModel") return true;
    return model.model_module === "@jupyter-widgets/base" && model.model_name === "LayoutModel";
  }

  function same(a, b) {
    return a === b || JSON.stringify(a) === JSON.stringify(b);
  }

  // The subset of a Backbone model that anywidget hands to render(), over the saved state.
  function staticModel(state) {
    var values = Object.assign({}, state);
    var listeners = {};
    var each = function (names, fn) {
      names.split(/\s+/).filter(Boolean).forEach(fn);
    };
    var emit = function (name, args) {
      (listeners[name] || []).slice().forEach(function (callback) {
        callback.apply(null, args);
      });
    };
    return {
      get: function (name) {
        return values[name];
      },
      set: function (name, value) {
        var changes = typeof name === "object" ? name : { [name]: value };
        var changed = Object.keys(changes).filter(function (key) {
          return !same(values[key], changes[key]);
        });
        Object.assign(values, changes);
        changed.forEach(function (key) {
          emit("change:" + key, [this, values[key]]);
        }, this);
        if (changed.length) emit("change", [this]);
      },
      on: function (names, callback) {
        each(names, function (name) {
          (listeners[name] = listeners[name] || []).push(callback);
        });
      },
      off: function (names, callback) {
        if (!names) listeners = {};
        else
          each(names, function (name) {
            listeners[name] = (listeners[name] || []).filter(function (c) {
              return callback && c !== callback;
            });
          });
      },
      // No kernel to save to or to message: both say so at once (the widgets catch it).
      save_changes: function () {
        throw new Error("Syncing error: no comm channel defined");
      },
      send: function () {
        throw new Error("no kernel: this is a static page");
      },
    };
  }

  var stylesheets = new Set();

  function addStylesheet(css) {
    if (!css || stylesheets.has(css)) return;
    stylesheets.add(css);
    var style = document.createElement("style");
    style.textContent = css;
    document.head.append(style);
  }

  function importModule(source) {
    var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    return import(url).finally(function () {
      URL.revokeObjectURL(url);
    });
  }

  function drawView(viewScript, models) {
    var modelId = JSON.parse(viewScript.textContent).model_id;
    var saved = models[modelId];
    var area = document.createElement("div");
    area.className = "widget-subarea";
    var view = document.createElement("div");
    view.className = "lm-Widget jupyter-widgets";
    area.append(view);
    viewScript.after(area);
    addStylesheet(saved.state._css);
    var model = staticModel(saved.state);
    return importModule(saved.state._esm).then(function (module) {
      var widget = module.default || module;
      if (typeof widget === "function") widget = widget();
      if (widget.initialize) widget.initialize({ model: model, experimental: {} });
      return widget.render({ model: model, el: view, experimental: {} });
    });
  }

  function loadFullManager() {
    ["require.js", "require-config.js", "embed-amd.js"].reduce(function (previous, name) {
      return previous.then(function () {
        return new Promise(function (resolve, reject) {
          var tag = document.createElement("script");
          tag.src = folder + name;
          tag.onload = resolve;
          tag.onerror = reject;
          document.head.append(tag);
        });
      });
    }, Promise.resolve());
  }

  function drawAll() {
    var stateScript = document.querySelector('script[type="' + STATE_TYPE + '"]');
    if (!stateScript) return;
    var models = JSON.parse(stateScript.textContent).state;
    var all = Object.keys(models).map(function (id) {
      return models[id];
    });
    if (!all.every(drawable)) {
      loadFullManager();
      return;
    }
    document.querySelectorAll('script[type="' + VIEW_TYPE + '"]').forEach(function (viewScript) {
      drawView(viewScript, models).catch(function (error) {
        console.error("could not draw a widget", error);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();

// Loaded after require.js and before embed-amd.js on pages that hold widget state.
// It points RequireJS at the copies of the widget modules that sit in this folder, so that the
// widget manager never falls back to a public CDN. The folder is taken from this script's own
// URL, which works at any page depth and from file:// as well as http://.
(function () {
  "use strict";
  var script = document.currentScript;
  var folder = script.src.slice(0, script.src.lastIndexOf("/") + 1);

  window.requirejs.config({
    paths: {
      // anywidget's AMD build, copied here by `python book/_ext/book_assets.py`.
      anywidget: folder + "anywidget/index",
      // Modules that embed-amd.js defines itself. The manager derives the URL of its fonts from
      // the URL RequireJS gives `@jupyter-widgets/html-manager/dist/libembed-amd`; mapping its
      // folder to this one makes the fonts load from here instead of a 404 next to the page.
      "@jupyter-widgets/html-manager/dist": folder.slice(0, -1),
      "@jupyter-widgets/html-manager": folder + "html-manager",
      "@jupyter-widgets/base": folder + "base",
      "@jupyter-widgets/controls": folder + "controls",
    },
  });

  // If a widget module is not found locally, embed-amd.js retries from the URL prefix given by a
  // script's data-jupyter-widgets-cdn attribute (a public CDN by default). Point it back into this
  // folder so a missing module fails with a local 404 instead of a request to another host.
  script.setAttribute("data-jupyter-widgets-cdn", folder + "missing-modules/");
})();

// Starts Swagger UI on #swagger-ui from our own copy (no CDN, no inline script, CSP-friendly).
(function () {
  "use strict";

  function start() {
    var element = document.getElementById("swagger-ui");
    if (!element || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    window.ui = window.SwaggerUIBundle({
      url: element.dataset.openapiUrl || "/openapi.json",
      domNode: element,
      layout: "BaseLayout",
      presets: [window.SwaggerUIBundle.presets.apis],
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      // The default would load a badge image from validator.swagger.io.
      validatorUrl: null,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

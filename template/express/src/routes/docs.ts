/** The OpenAPI document and Swagger UI, served by the service itself (no CDN). */
import express, { Router } from "express";
// Only the path: the package's main module evaluates the whole UI bundle (~200 ms, ~30 MB).
import absolutePath from "swagger-ui-dist/absolute-path.js";

const PAGE = (openapiPath: string, assets: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API docs</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "${openapiPath}", dom_id: "#swagger-ui" });</script>
</body>
</html>
`;

/** `GET <openapiPath>` (the document, unwrapped) and `GET <docsPath>` (Swagger UI). */
export function createDocsRouter({
  document,
  openapiPath,
  docsPath,
}: {
  document: object;
  openapiPath: string;
  docsPath: string;
}): Router {
  const router = Router();
  const assets = `${docsPath}/assets`;
  router.get(openapiPath, (_req, res) => {
    res.json(document);
  });
  router.get(docsPath, (_req, res) => {
    res.type("html").send(PAGE(openapiPath, assets));
  });
  router.use(assets, express.static(absolutePath(), { index: false }));
  return router;
}

/** Security headers on every response, errors included. */
import type { RequestHandler } from "express";

// JSON needs no scripts, styles or frames.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// Swagger UI: its files come from the service itself; it boots with one inline script.
const DOCS_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'none'";
const HSTS = "max-age=63072000; includeSubDomains";

/** The headers of STANDARDS section 3; HSTS only when serving production. */
export function securityHeaders({
  docsPath,
  hsts,
}: {
  docsPath: string;
  hsts: boolean;
}): RequestHandler {
  const headers: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
  };
  if (hsts) headers["Strict-Transport-Security"] = HSTS;
  return (req, res, next) => {
    res.set(headers);
    res.set("Content-Security-Policy", req.path.startsWith(docsPath) ? DOCS_CSP : API_CSP);
    next();
  };
}

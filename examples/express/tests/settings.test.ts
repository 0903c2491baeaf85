import { describe, expect, it } from "vitest";

import { DEFAULT_SECRET_KEY, loadSettings } from "../src/config/settings.ts";

describe("settings", () => {
  it("refuses the placeholder and a short secret in production (the default)", () => {
    expect(() => loadSettings({})).toThrow(/SECRET_KEY/);
    expect(() => loadSettings({ SECRET_KEY: DEFAULT_SECRET_KEY })).toThrow(/SECRET_KEY/);
    expect(() => loadSettings({ SECRET_KEY: "x".repeat(31) })).toThrow(/SECRET_KEY/);
    expect(loadSettings({ SECRET_KEY: "x".repeat(32) }).isProduction).toBe(true);
  });

  it("lists every bad key at once", () => {
    expect(() => loadSettings({ ENVIRONMENT: "test", PORT: "nope", LOG_LEVEL: "loud" })).toThrow(
      /PORT.*LOG_LEVEL|LOG_LEVEL.*PORT/,
    );
  });

  it("refuses to trust every address as a proxy", () => {
    for (const proxies of ["*", "0.0.0.0/0", "::/0"]) {
      expect(() => loadSettings({ ENVIRONMENT: "test", TRUSTED_PROXIES: proxies })).toThrow(
        /TRUSTED_PROXIES/,
      );
    }
    expect(
      loadSettings({ ENVIRONMENT: "test", TRUSTED_PROXIES: "10.0.0.0/8" }).TRUSTED_PROXIES,
    ).toEqual(["10.0.0.0/8"]);
  });

  it("accepts the DATABASE_URL forms people paste for SQLAlchemy", () => {
    const settings = loadSettings({
      ENVIRONMENT: "test",
      DATABASE_URL: "sqlite+driver:///./x",
    });
    expect(settings.DATABASE_URL).toContain("+driver");
  });
});

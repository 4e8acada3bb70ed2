import { describe, expect, it } from "vitest";
import { API_PERMISSION_SCOPES, API_SCOPES, formatScopes, missingScopeMessage, parseScopes, requiredScope } from "~/domain/api-scopes";
import { defaultValidUntil, organisationTokenActorLabel, parseTokenInput, personalTokenActorLabel, tokenExpiresAt, tokenState, tokenValidUntil } from "~/domain/api-tokens";
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission } from "~/domain/permissions";

/**
 * The scope map (ADR 0014), written out by hand: which scope a token needs for each permission
 * the provider API checks, for a read (GET) and for a change (POST/DELETE). null: not with a token.
 */
const EXPECTED: [Permission, string | null, string | null][] = [
  ["read:provider:own", "read", null],
  ["edit:provider-contact:own", "read", null],
  ["request:provider-change:own", "read", null],
  ["manage:api-token:own", null, null],
  ["read:document:own", "read", null],
  ["change:password:own", null, null],
  ["read:tender:published", "read", null],
  ["submit:offer:own", "read", "offers"],
  ["ask:question:own", "read", "offers"],
  ["read:contract:own", "read", null],
  ["read:agreement:own", "read", null],
  ["accept:agreement:own", "read", "placements"],
  ["read:assignment:own", "read", null],
  ["submit:placement:own", "read", "placements"],
  ["submit:invoice:own", "read", "invoices"],
  ["read:invoice:own", "read", null],
  ["confirm:bill:own", "read", "invoices"],
  ["read:purchase:own", "read", null],
  ["answer:purchase:own", "read", "places"],
  ["report:participation:own", "read", "places"],
  ["propose:measure:own", "read", "places"],
  ["read:outcomes:own", "read", null],
];

describe("requiredScope: permission and method → scope", () => {
  it("every permission of the provider role, as written down", () => {
    expect(EXPECTED.map(([p]) => p).sort()).toEqual([...ROLE_PERMISSIONS.provider].sort());
    for (const [permission, read, write] of EXPECTED) {
      expect(requiredScope(permission, "GET"), `GET ${permission}`).toBe(read);
      expect(requiredScope(permission, "HEAD"), `HEAD ${permission}`).toBe(read);
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) expect(requiredScope(permission, method), `${method} ${permission}`).toBe(write);
    }
  });

  it("the routes of today: reading offers needs read, submitting and withdrawing offers, placements needs placements", () => {
    expect(requiredScope("submit:offer:own", "GET")).toBe("read"); // GET /tenders/{id}/offers, GET /offers/{id}
    expect(requiredScope("submit:offer:own", "POST")).toBe("offers"); // POST /tenders/{id}/offers
    expect(requiredScope("submit:offer:own", "DELETE")).toBe("offers"); // DELETE /offers/{id}
    expect(requiredScope("submit:placement:own", "POST")).toBe("placements"); // POST /placements, POST …/instalments/{n}
    expect(requiredScope("read:tender:published", "GET")).toBe("read");
    expect(requiredScope("read:assignment:own", "GET")).toBe("read");
  });

  it("tokens never manage tokens, users, settings or passwords; staff tokens only read", () => {
    for (const p of ["manage:api-token:own", "manage:api-token:any", "manage:user:any", "manage:setting:any", "change:password:own"] as Permission[]) {
      expect(requiredScope(p, "GET"), p).toBeNull();
      expect(requiredScope(p, "POST"), p).toBeNull();
    }
    for (const p of PERMISSIONS) {
      const rule = API_PERMISSION_SCOPES[p];
      if (!rule) continue;
      // no read permission is ever a write scope, and every scope named is a known one
      if (p.startsWith("read:")) expect(rule.write, p).toBeNull();
      for (const s of [rule.read, rule.write]) if (s) expect(API_SCOPES).toContain(s);
      if (!ROLE_PERMISSIONS.provider.includes(p)) expect(rule.write, `staff ${p}`).toBeNull();
    }
    expect(requiredScope("read:tender:any", "GET")).toBe("read");
    expect(requiredScope("manage:tender:any", "POST")).toBeNull();
  });

  it("the refusal names the missing scope in German", () => {
    expect(missingScopeMessage("offers")).toBe(
      "Diesem API-Zugang fehlt die Berechtigung „offers“ (Angebote: Angebote abgeben und zurückziehen). Die Administration Ihrer Organisation kann im Portal unter „API-Zugänge“ einen Zugang mit dieser Berechtigung erstellen.",
    );
    expect(missingScopeMessage(null)).toBe("Diese Aktion ist mit einem API-Zugang nicht möglich; bitte verwenden Sie das Portal.");
  });
});

describe("stored scopes", () => {
  it("canonical order, duplicates and unknown names dropped", () => {
    expect(parseScopes("placements,read,foo,read")).toEqual(["read", "placements"]);
    expect(parseScopes("")).toEqual([]);
    expect(formatScopes(["invoices", "offers", "read"])).toBe("read,offers,invoices");
    expect(formatScopes([...API_SCOPES])).toBe("read,offers,placements,invoices,places");
  });
});

describe("token state and expiry", () => {
  it("active until expiresAt (exclusive), revoked wins", () => {
    const t = { expiresAt: "2027-03-02T23:00:00.000Z", revokedAt: null };
    expect(tokenState(t, "2027-03-02T22:59:59.999Z")).toBe("active");
    expect(tokenState(t, "2027-03-02T23:00:00.000Z")).toBe("expired");
    expect(tokenState({ ...t, revokedAt: "2027-01-01T10:00:00.000Z" }, "2026-06-01T00:00:00.000Z")).toBe("revoked");
    expect(tokenState({ ...t, revokedAt: "2027-01-01T10:00:00.000Z" }, "2028-06-01T00:00:00.000Z")).toBe("revoked");
  });

  it("valid through the end of the last day in Berlin (winter and summer time)", () => {
    expect(tokenExpiresAt("2027-01-15")).toBe("2027-01-15T23:00:00.000Z");
    expect(tokenExpiresAt("2027-07-15")).toBe("2027-07-15T22:00:00.000Z");
    // What the pages show is the day entered, in winter and in summer time alike.
    for (const day of ["2027-01-15", "2027-07-15", "2027-03-27", "2027-10-30", "2028-02-29"]) expect(tokenValidUntil(tokenExpiresAt(day))).toBe(day);
    expect(tokenExpiresAt("2027-12-31")).toBe("2027-12-31T23:00:00.000Z");
  });

  it("the form: default and maximum from the settings, boundaries included", () => {
    const limits = { today: "2026-03-02", defaultDays: 365, maxDays: 730 };
    expect(defaultValidUntil(limits)).toBe("2027-03-02");
    expect(defaultValidUntil({ ...limits, defaultDays: 900 })).toBe("2028-03-01"); // never beyond the maximum
    const ok = (validUntil: string) => parseTokenInput({ name: "Fachverfahren", scopes: ["read"], validUntil }, limits);
    expect(ok("")).toEqual({ ok: true, value: { name: "Fachverfahren", scopes: ["read"], validUntil: "2027-03-02" } });
    expect(ok("02.03.2026")).toMatchObject({ ok: true, value: { validUntil: "2026-03-02" } }); // today
    expect(ok("01.03.2026")).toMatchObject({ ok: false, fieldErrors: { validUntil: "Das Ablaufdatum darf nicht in der Vergangenheit liegen." } });
    expect(ok("2028-03-01")).toMatchObject({ ok: true, value: { validUntil: "2028-03-01" } }); // today + 730
    expect(ok("2028-03-02")).toMatchObject({ ok: false, fieldErrors: { validUntil: "Ein API-Zugang gilt höchstens 730 Tage, also bis spätestens 01.03.2028." } });
    expect(ok("31.02.2027")).toMatchObject({ ok: false, fieldErrors: { validUntil: "Bitte geben Sie das Ablaufdatum als TT.MM.JJJJ an." } });
  });

  it("the form: a name of 2 to 100 characters, at least one known scope", () => {
    const limits = { today: "2026-03-02", defaultDays: 365, maxDays: 730 };
    expect(parseTokenInput({ name: "  Fach   verfahren ", scopes: "offers,read" }, limits)).toMatchObject({ ok: true, value: { name: "Fach verfahren", scopes: ["read", "offers"] } });
    expect(parseTokenInput({ name: "x", scopes: ["read"] }, limits)).toMatchObject({ ok: false, fieldErrors: { name: "Bitte geben Sie dem Zugang einen Namen (2 bis 100 Zeichen)." } });
    expect(parseTokenInput({ name: "x".repeat(100), scopes: ["read"] }, limits).ok).toBe(true);
    expect(parseTokenInput({ name: "x".repeat(101), scopes: ["read"] }, limits).ok).toBe(false);
    expect(parseTokenInput({ name: "Fachverfahren", scopes: [] }, limits)).toMatchObject({ ok: false, fieldErrors: { scopes: "Bitte wählen Sie mindestens eine Berechtigung." } });
    expect(parseTokenInput({ name: "Fachverfahren", scopes: ["read", "admin"] }, limits)).toMatchObject({ ok: false, fieldErrors: { scopes: "Unbekannte Berechtigung: admin. Möglich sind read, offers, placements, invoices, places." } });
  });
});

describe("who acts: the audit label of a token", () => {
  it("an organisation token names itself and the organisation, never a person; at most 254 characters", () => {
    expect(organisationTokenActorLabel({ name: "Fachverfahren", prefix: "vt_AbCdEfG" }, "Jobbrücke Kamenz")).toBe("API-Zugang „Fachverfahren“ (vt_AbCdEfG…) · Jobbrücke Kamenz");
    const long = organisationTokenActorLabel({ name: "n".repeat(100), prefix: "vt_AbCdEfG" }, "o".repeat(200));
    expect(long.length).toBeLessThanOrEqual(254);
    expect(long).toMatch(/^API-Zugang „n{100}“ \(vt_AbCdEfG…\) · o+…$/);
    expect(personalTokenActorLabel("a.b@asz.example", { name: "Auswertung" })).toBe("a.b@asz.example (API-Zugang „Auswertung“)");
  });
});

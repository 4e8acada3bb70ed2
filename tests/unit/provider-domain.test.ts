import { describe, expect, it } from "vitest";
import { parseCsv, toCsv } from "~/domain/csv";
import { NAV_ITEMS, PERMISSIONS, ROLE_PERMISSIONS, ROLES, can, isRole, navFor, type Role } from "~/domain/permissions";
import {
  bankAccountSchema,
  certificationSchema,
  certificationState,
  isValidVatId,
  normalizeVatId,
  providerSchema,
} from "~/domain/provider";
import { PROVIDER_CSV_COLUMNS, categoriesFromCsv, kindFromCsv, providerCsvRow, validateProviderCsv, type ProviderCsvKey } from "~/domain/provider-csv";
import { parseSettingValue, settingDefinition, SETTING_DEFINITIONS, type SettingDefinition } from "~/domain/settings";
import { addDays } from "~/domain/time";
import { passwordProblem, userSchema } from "~/domain/user";

// ---------------------------------------------------------------------------------------------
describe("certificationState", () => {
  const today = "2026-03-01";
  const cert = (validFrom: string, validUntil: string) => ({ validFrom, validUntil });
  const from = "2021-03-02";

  it("none without certificates", () => {
    expect(certificationState([], today, 90)).toBe("none");
  });

  it("validUntil == today is still current but expiring", () => {
    expect(certificationState([cert(from, today)], today, 90)).toBe("expiring");
  });

  it("validUntil == today + 90 is expiring (inclusive), today + 91 is valid", () => {
    expect(certificationState([cert(from, addDays(today, 90))], today, 90)).toBe("expiring");
    expect(certificationState([cert(from, addDays(today, 91))], today, 90)).toBe("valid");
  });

  it("follows the warning window setting", () => {
    expect(certificationState([cert(from, addDays(today, 30))], today, 30)).toBe("expiring");
    expect(certificationState([cert(from, addDays(today, 31))], today, 30)).toBe("valid");
  });

  it("validUntil == yesterday is expired", () => {
    expect(certificationState([cert(from, addDays(today, -1))], today, 90)).toBe("expired");
  });

  it("validFrom == tomorrow is not yet current (expired); validFrom == today is current", () => {
    expect(certificationState([cert(addDays(today, 1), "2031-01-01")], today, 90)).toBe("expired");
    expect(certificationState([cert(today, "2031-01-01")], today, 90)).toBe("valid");
  });

  it("the best current certificate decides", () => {
    expect(certificationState([cert(from, addDays(today, -1)), cert(from, addDays(today, 200))], today, 90)).toBe("valid");
    expect(certificationState([cert(from, addDays(today, 10)), cert(from, addDays(today, 200))], today, 90)).toBe("valid");
    expect(certificationState([cert(from, addDays(today, 10)), cert(addDays(today, 1), addDays(today, 2000))], today, 90)).toBe("expiring");
  });
});

// ---------------------------------------------------------------------------------------------
describe("providerSchema", () => {
  const base = { kind: "training", name: "Bildungswerk Lausitz", vatId: "DE123456789" };
  const errorsOf = (input: Record<string, unknown>) => {
    const r = providerSchema.safeParse(input);
    if (r.success) return {};
    return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
  };

  it("accepts a minimal provider and fills defaults", () => {
    const r = providerSchema.parse(base);
    expect(r).toMatchObject({ kind: "training", name: "Bildungswerk Lausitz", vatId: "DE123456789", externalKey: null, postalCode: "", serviceCategories: [], tradeRegistrationDate: null });
  });

  it("postal code: five digits or empty", () => {
    expect(errorsOf({ ...base, postalCode: "01917" })).toEqual({});
    expect(errorsOf({ ...base, postalCode: "" })).toEqual({});
    expect(errorsOf({ ...base, postalCode: "0191" })).toEqual({ postalCode: "Die Postleitzahl hat fünf Ziffern." });
    expect(errorsOf({ ...base, postalCode: "019170" })).toEqual({ postalCode: "Die Postleitzahl hat fünf Ziffern." });
    expect(errorsOf({ ...base, postalCode: "0191A" })).toEqual({ postalCode: "Die Postleitzahl hat fünf Ziffern." });
  });

  it("VAT id: DE + exactly 9 digits, normalised; other EU ids by pattern", () => {
    expect(providerSchema.parse({ ...base, vatId: "de 123.456-789" }).vatId).toBe("DE123456789");
    expect(providerSchema.parse({ ...base, vatId: "" }).vatId).toBeNull();
    expect(providerSchema.parse({ ...base, vatId: "ATU12345678" }).vatId).toBe("ATU12345678");
    expect(errorsOf({ ...base, vatId: "DE12345678" })).toEqual({ vatId: "Die USt-IdNr. hat die Form DE123456789." });
    expect(errorsOf({ ...base, vatId: "DE1234567890" })).toEqual({ vatId: "Die USt-IdNr. hat die Form DE123456789." });
    expect(errorsOf({ ...base, vatId: "DE12345678X" })).toEqual({ vatId: "Die USt-IdNr. hat die Form DE123456789." });
    expect(normalizeVatId(" de-123.456 789 ")).toBe("DE123456789");
    expect(isValidVatId("X1")).toBe(false);
  });

  it("trade registration date only for brokers", () => {
    expect(errorsOf({ ...base, kind: "broker", tradeRegistrationDate: "01.08.1994" })).toEqual({});
    expect(providerSchema.parse({ ...base, kind: "broker", tradeRegistrationDate: "01.08.1994" }).tradeRegistrationDate).toBe("1994-08-01");
    expect(errorsOf({ ...base, kind: "training", tradeRegistrationDate: "01.08.1994" })).toEqual({
      tradeRegistrationDate: "Eine Gewerbeanzeige für Arbeitsvermittlung wird nur bei privaten Vermittlern erfasst.",
    });
    expect(errorsOf({ ...base, kind: "agency", tradeRegistrationDate: "1994-08-01" })).toHaveProperty("tradeRegistrationDate");
    expect(errorsOf({ ...base, kind: "broker", tradeRegistrationDate: "31.02.2026" })).toEqual({
      tradeRegistrationDate: "Datum der Gewerbeanzeige: bitte als TT.MM.JJJJ angeben.",
    });
  });

  it("name length and kind", () => {
    expect(errorsOf({ ...base, name: "A" })).toEqual({ name: "Bitte geben Sie den Namen an (mindestens 2 Zeichen)." });
    expect(errorsOf({ ...base, name: "AB" })).toEqual({});
    expect(errorsOf({ ...base, name: "x".repeat(200) })).toEqual({});
    expect(errorsOf({ ...base, name: "x".repeat(201) })).toEqual({ name: "Name: höchstens 200 Zeichen." });
    expect(errorsOf({ ...base, kind: "other" })).toEqual({ kind: "Bitte wählen Sie die Art des Trägers." });
  });

  it("e-mail and service categories", () => {
    expect(errorsOf({ ...base, email: "info@example" })).toEqual({ email: "Die E-Mail-Adresse ist ungültig." });
    expect(errorsOf({ ...base, serviceCategories: ["placement", "nope"] })).toEqual({ serviceCategories: "Unbekannter Leistungsbereich." });
  });
});

// ---------------------------------------------------------------------------------------------
const HEADERS = PROVIDER_CSV_COLUMNS.map((c) => c.header);
type Row = Partial<Record<ProviderCsvKey, string>>;
const line = (r: Row) => PROVIDER_CSV_COLUMNS.map((c) => r[c.key] ?? "");

const good1: Row = {
  externalKey: "EXT-1",
  kind: "Bildungsträger",
  name: "Bildungswerk Lausitz gGmbH",
  street: "Am Markt 1",
  postalCode: "01917",
  city: "Kamenz",
  region: "Landkreis Kamenz",
  vatId: "DE123456789",
  serviceCategories: "Trainingsmaßnahmen, Berufliche Weiterbildung (FbW)",
  certifyingBody: "CERTQUA GmbH",
  certificateNumber: "AZAV-1",
  validFrom: "01.04.2024",
  validUntil: "31.03.2029",
  iban: "DE89 3704 0044 0532 0130 00",
  holder: "Bildungswerk Lausitz gGmbH",
};
const good2: Row = {
  kind: "Privater Arbeitsvermittler",
  name: "Jobbrücke Kamenz",
  vatId: "DE987654321",
  serviceCategories: "placement",
  tradeRegistrationDate: "01.08.1994",
};

describe("validateProviderCsv", () => {
  it("accepts a good file with two rows", () => {
    const { records, issues } = validateProviderCsv(toCsv(HEADERS, [line(good1), line(good2)]));
    expect(issues).toEqual([]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      line: 2,
      provider: { kind: "training", name: "Bildungswerk Lausitz gGmbH", externalKey: "EXT-1", vatId: "DE123456789", serviceCategories: ["training", "fbw"] },
      certification: { certificateNumber: "AZAV-1", validFrom: "2024-04-01", validUntil: "2029-03-31" },
      bankAccount: { iban: "DE89370400440532013000", bic: null, holder: "Bildungswerk Lausitz gGmbH" },
    });
    expect(records[1]).toMatchObject({ line: 3, provider: { kind: "broker", tradeRegistrationDate: "1994-08-01", serviceCategories: ["placement"] }, certification: null, bankAccount: null });
  });

  it("returns ALL issues of a file with errors in several rows and columns, with file line numbers and German headers, and no records", () => {
    const multiLine: Row = { ...good1, street: "Am Markt 1\nHinterhaus" }; // line 2–3
    const bad1: Row = { ...good2, vatId: "DE123", postalCode: "0191" }; // line 4
    const bad2: Row = { ...good1, externalKey: "EXT-2", vatId: "DE111111111", kind: "Sonstiges", iban: "DE89370400440532013001", validUntil: "31.02.2029" }; // line 5
    const ok: Row = { ...good2, vatId: "DE222222222" }; // line 6
    const bad3: Row = { ...good2, vatId: "DE333333333", name: "X", kind: "Bildungsträger" }; // line 7: name + trade registration
    const text = toCsv(HEADERS, [line(multiLine), line(bad1), line(bad2), line(ok), line(bad3)]);
    const { records, issues } = validateProviderCsv(text);
    expect(records).toEqual([]);
    const found = issues.map((i) => `${i.line}|${i.column}`).sort();
    expect(found).toEqual(
      [
        "4|PLZ",
        "4|USt-IdNr.",
        "5|Art",
        "5|IBAN",
        "5|Zulassung: gültig bis",
        "7|Name",
        "7|Gewerbeanzeige vom",
      ].sort(),
    );
    const msg = (l: number, c: string) => issues.find((i) => i.line === l && i.column === c)!.message;
    expect(msg(4, "PLZ")).toBe("Die Postleitzahl hat fünf Ziffern.");
    expect(msg(4, "USt-IdNr.")).toBe("Die USt-IdNr. hat die Form DE123456789.");
    expect(msg(5, "Art")).toBe("Bitte wählen Sie die Art des Trägers.");
    expect(msg(5, "IBAN")).toMatch(/Prüfziffern/);
    expect(msg(5, "Zulassung: gültig bis")).toBe("Gültig bis: bitte als TT.MM.JJJJ angeben.");
  });

  it("reports an unknown column on line 1 and nothing else", () => {
    const text = toCsv([...HEADERS, "Lieblingsfarbe"], [[...line(good1), "blau"]]);
    const { records, issues } = validateProviderCsv(text);
    expect(records).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 1, column: "Lieblingsfarbe" });
    expect(issues[0].message).toMatch(/^Unbekannte Spalte „Lieblingsfarbe“/);
  });

  it("reports a missing Name column", () => {
    const headers = HEADERS.filter((h) => h !== "Name");
    const text = toCsv(headers, [line(good1).filter((_, i) => HEADERS[i] !== "Name")]);
    const { records, issues } = validateProviderCsv(text);
    expect(records).toEqual([]);
    expect(issues).toEqual([{ line: 1, column: "Name", message: "Pflichtspalte fehlt." }]);
  });

  it("accepts any column order and case of the header names", () => {
    const text = "name;art;ust-idnr.\r\nJobbrücke Kamenz;Privater Arbeitsvermittler;DE987654321\r\n";
    const { records, issues } = validateProviderCsv(text);
    expect(issues).toEqual([]);
    expect(records[0].provider).toMatchObject({ name: "Jobbrücke Kamenz", kind: "broker", vatId: "DE987654321" });
  });

  it("flags a VAT id that occurs twice in the file, naming the first line", () => {
    const text = toCsv(HEADERS, [line(good2), line({ ...good2, name: "Andere GmbH" })]);
    const { records, issues } = validateProviderCsv(text);
    expect(records).toEqual([]);
    expect(issues).toEqual([{ line: 3, column: "USt-IdNr.", message: "Die USt-IdNr. DE987654321 steht schon in Zeile 2." }]);
  });

  it("flags the same VAT id written differently (normalised) as duplicate", () => {
    const text = toCsv(HEADERS, [line(good2), line({ ...good2, vatId: "de 987 654 321" })]);
    expect(validateProviderCsv(text).issues.map((i) => i.line)).toEqual([3]);
  });

  it("flags a duplicate external key", () => {
    const text = toCsv(HEADERS, [line(good1), line({ ...good1, vatId: "DE555555555" })]);
    expect(validateProviderCsv(text).issues).toEqual([{ line: 3, column: "Externer Schlüssel", message: "Der Schlüssel EXT-1 steht schon in Zeile 2." }]);
  });

  it("flags a row with neither VAT id nor external key", () => {
    const text = toCsv(HEADERS, [line(good2), line({ kind: "Bildungsträger", name: "Ohne Schlüssel e. V." })]);
    const { records, issues } = validateProviderCsv(text);
    expect(records).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3, column: "USt-IdNr. / Externer Schlüssel" });
    expect(issues[0].message).toMatch(/^Weder USt-IdNr\. noch externer Schlüssel/);
  });

  it("flags a row with more fields than the header", () => {
    const text = "Name;Art;USt-IdNr.\r\nA GmbH;Bildungsträger;DE123456789;zu viel\r\n";
    const { issues } = validateProviderCsv(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 2, column: "–" });
  });

  it("reports an empty file and a file without data rows", () => {
    expect(validateProviderCsv("").issues).toEqual([{ line: 1, column: "–", message: "Die Datei ist leer." }]);
    expect(validateProviderCsv(toCsv(HEADERS, [])).issues).toEqual([{ line: 2, column: "–", message: "Die Datei enthält keine Datenzeilen." }]);
  });

  it("providerCsvRow → toCsv → validateProviderCsv gives the same data", () => {
    const providers = [
      providerSchema.parse({
        kind: "broker",
        name: 'Müller & Söhne "Jobbrücke"; Vermittlung',
        legalForm: "GbR",
        street: "Weißbacher Straße 5\nHinterhaus",
        postalCode: "01917",
        city: "Königsbrück",
        region: "Landkreis Kamenz",
        vatId: "DE123456789",
        externalKey: "K-ä-1",
        email: "info@mueller.example",
        phone: "03578 1234",
        serviceCategories: ["placement", "activation"],
        tradeRegistrationDate: "1994-08-01",
      }),
      providerSchema.parse({ kind: "training", name: "Bildungswerk", externalKey: "K-2", serviceCategories: ["bae", "fbw", "rehab", "work_opportunities", "qal", "youth", "training"] }),
      providerSchema.parse({ kind: "agency", name: "Agentur für Arbeit Bautzen", vatId: "DE999999999" }),
    ];
    const cert = certificationSchema.parse({ certifyingBody: "DEKRA Certification GmbH", certificateNumber: "AZAV-7", validFrom: "2024-04-01", validUntil: "2029-03-31", scope: "Fachbereich 3; § 45" });
    const bank = bankAccountSchema.parse({ iban: "DE89370400440532013000", bic: "COBADEFFXXX", holder: "Müller & Söhne" });
    const text = toCsv(HEADERS, [providerCsvRow(providers[0], cert, bank), providerCsvRow(providers[1], null, null), providerCsvRow(providers[2], cert, null)]);
    const { records, issues } = validateProviderCsv(text);
    expect(issues).toEqual([]);
    expect(records.map((r) => r.provider)).toEqual(providers);
    expect(records.map((r) => r.certification)).toEqual([cert, null, cert]);
    expect(records.map((r) => r.bankAccount)).toEqual([bank, null, null]);
  });

  it("round trip keeps a phone number in international form (+49 …) unchanged", () => {
    // toCsv prefixes values starting with + - = @ with an apostrophe (formula injection guard);
    // the import must undo that, or re-importing an export changes the data.
    const p = providerSchema.parse({ kind: "training", name: "Bildungswerk", vatId: "DE123456789", phone: "+49 3578 7870" });
    const { records, issues } = validateProviderCsv(toCsv(HEADERS, [providerCsvRow(p, null, null)]));
    expect(issues).toEqual([]);
    expect(records[0].provider.phone).toBe("+49 3578 7870");
  });

  it("kindFromCsv and categoriesFromCsv accept codes, labels and prefixes", () => {
    expect(kindFromCsv("broker")).toBe("broker");
    expect(kindFromCsv("bildungsträger")).toBe("training");
    expect(kindFromCsv("Private Arbeitsvermittlung")).toBe("broker");
    expect(kindFromCsv("Bundesagentur für Arbeit")).toBe("agency");
    expect(kindFromCsv("Sonstiges")).toBe("Sonstiges");
    expect(categoriesFromCsv("placement|fbw")).toEqual(["placement", "fbw"]);
    expect(categoriesFromCsv("Arbeitsvermittlung, Berufliche Rehabilitation")).toEqual(["placement", "rehab"]);
    expect(categoriesFromCsv("")).toEqual([]);
    expect(categoriesFromCsv("Unbekannt")).toEqual(["Unbekannt"]);
  });

  it("the export header line parses back to the column headers", () => {
    expect(parseCsv(toCsv(HEADERS, [])).header).toEqual(HEADERS);
  });
});

// ---------------------------------------------------------------------------------------------
describe("permissions", () => {
  it("every role's permissions are known permissions", () => {
    for (const role of ROLES) {
      for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS as readonly string[]).toContain(p);
    }
  });

  it("every nav item's permission is known", () => {
    for (const item of NAV_ITEMS) expect(PERMISSIONS as readonly string[]).toContain(item.permission);
  });

  it("provider users see only portal pages, no staff pages", () => {
    const nav = navFor("provider").map((n) => n.to);
    expect(nav.length).toBeGreaterThan(0);
    for (const to of nav) expect(to.startsWith("/portal")).toBe(true);
    // Provider permissions are scoped: their own organisation's data, or what is published to every bidder.
    for (const p of ROLE_PERMISSIONS.provider) expect(p.endsWith(":own") || p.endsWith(":published"), p).toBe(true);
  });

  it("procurement has no /admin pages, admin has them", () => {
    expect(navFor("procurement").some((n) => n.to.startsWith("/admin"))).toBe(false);
    expect(navFor("procurement").map((n) => n.to)).toContain("/providers");
    expect(navFor("admin").some((n) => n.to.startsWith("/admin"))).toBe(true);
  });

  it("staff roles do not get portal pages", () => {
    for (const role of ROLES.filter((r) => r !== "provider")) {
      expect(navFor(role).some((n) => n.to.startsWith("/portal")), role).toBe(false);
    }
  });

  it("no role/permission for nobody", () => {
    expect(can(null, "read:provider:any")).toBe(false);
    expect(can(undefined, "change:password:own")).toBe(false);
    expect(navFor(null)).toEqual([]);
  });

  it("can() matches the role map", () => {
    expect(can("case_manager", "read:provider:any")).toBe(true);
    expect(can("case_manager", "edit:provider:any")).toBe(false);
    expect(can("auditor", "read:audit:any")).toBe(true);
    expect(can("auditor", "edit:provider:any")).toBe(false);
    expect(can("provider", "read:provider:any")).toBe(false);
    expect(can("finance", "manage:user:any")).toBe(false);
    expect(can("admin", "manage:user:any")).toBe(true);
  });

  it("isRole", () => {
    for (const r of ROLES) expect(isRole(r)).toBe(true);
    expect(isRole("superuser")).toBe(false);
    expect(isRole(undefined)).toBe(false);
    expect(isRole("constructor")).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe("passwordProblem", () => {
  it("minLength - 1 is too short, minLength is fine", () => {
    expect(passwordProblem("abcdefghi", 10)).toBe("Das Passwort muss mindestens 10 Zeichen lang sein.");
    expect(passwordProblem("abcdefghij", 10)).toBeNull();
    expect(passwordProblem("abcdefg", 8)).toBe("Das Passwort muss mindestens 8 Zeichen lang sein.");
    expect(passwordProblem("abcdefgh", 8)).toBeNull();
  });

  it("rejects one repeated character and more than 200 characters", () => {
    expect(passwordProblem("aaaaaaaaaa", 10)).toBe("Das Passwort darf nicht aus einem einzigen wiederholten Zeichen bestehen.");
    expect(passwordProblem("ab".repeat(100), 10)).toBeNull();
    expect(passwordProblem(`${"ab".repeat(100)}c`, 10)).toBe("Das Passwort darf höchstens 200 Zeichen lang sein.");
  });
});

describe("userSchema", () => {
  it("lower-cases e-mail and ties provider users to an organisation", () => {
    expect(userSchema.parse({ name: "Anna Weber", email: " Anna@Example.DE ", role: "admin", providerId: null })).toMatchObject({ email: "anna@example.de", providerId: null });
    expect(userSchema.parse({ name: "Anna Weber", email: "a@b.de", role: "provider", providerId: "7" }).providerId).toBe(7);
    expect(userSchema.safeParse({ name: "Anna Weber", email: "a@b.de", role: "provider", providerId: "" }).success).toBe(false);
    expect(userSchema.safeParse({ name: "Anna Weber", email: "a@b.de", role: "finance", providerId: 3 }).success).toBe(false);
    expect(userSchema.safeParse({ name: "Anna Weber", email: "a@b.de", role: "root", providerId: null }).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe("parseSettingValue", () => {
  const def = (key: string) => settingDefinition(key)!;

  it("every integer setting: min-1 and max+1 rejected, min and max accepted", () => {
    const integers = (SETTING_DEFINITIONS as readonly SettingDefinition[]).filter((d) => d.type === "integer");
    expect(integers.length).toBeGreaterThan(0);
    for (const d of integers) {
      expect(parseSettingValue(d, String(d.min))).toEqual({ ok: true, value: d.min });
      expect(parseSettingValue(d, String(d.max))).toEqual({ ok: true, value: d.max });
      expect(parseSettingValue(d, String(d.min! - 1))).toEqual({ ok: false, error: `„${d.label}“ muss mindestens ${d.min} sein.` });
      expect(parseSettingValue(d, String(d.max! + 1))).toEqual({ ok: false, error: `„${d.label}“ darf höchstens ${d.max} sein.` });
      expect(parseSettingValue(d, String(d.default))).toEqual({ ok: true, value: d.default });
    }
  });

  it("concrete boundaries of the password length", () => {
    const d = def("security.minPasswordLength");
    expect(parseSettingValue(d, "7").ok).toBe(false);
    expect(parseSettingValue(d, "8")).toEqual({ ok: true, value: 8 });
    expect(parseSettingValue(d, " 64 ")).toEqual({ ok: true, value: 64 });
    expect(parseSettingValue(d, "65").ok).toBe(false);
  });

  it("rejects non-integers", () => {
    const d = def("security.loginMaxFailuresPerAccount");
    for (const raw of ["", "5.5", "5,0", "fünf", "1e2"]) {
      expect(parseSettingValue(d, raw)).toEqual({ ok: false, error: `„${d.label}“ muss eine ganze Zahl sein.` });
    }
  });

  it("text settings: trimmed, not empty, CRLF normalised", () => {
    expect(parseSettingValue(def("letterhead.authority"), "  Jobcenter  ")).toEqual({ ok: true, value: "Jobcenter" });
    expect(parseSettingValue(def("letterhead.authority"), "   ").ok).toBe(false);
    expect(parseSettingValue(def("letterhead.address"), "Straße 1\r\n01917 Kamenz\r\n")).toEqual({ ok: true, value: "Straße 1\n01917 Kamenz" });
  });

  it("default password length is within its own bounds", () => {
    const d = def("security.minPasswordLength");
    expect(d.default).toBeGreaterThanOrEqual(d.min!);
    expect(d.default).toBeLessThanOrEqual(d.max!);
  });
});

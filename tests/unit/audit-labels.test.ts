import { purchaseMachine } from "~/domain/purchase.machine";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_LABELS, auditActionLabel, auditActorLabel, AUDIT_ENTITY_LABELS, describeAuditDetails, RULE_TITLES, ruleLabel } from "~/domain/audit-labels";
import { instalmentMachine } from "~/domain/fee-instalment.machine";
import { claimMachine } from "~/domain/placement-claim.machine";
import { agreementMachine } from "~/domain/placement-agreement.machine";
import { assignmentMachine } from "~/domain/assignment.machine";
import { tenderMachine } from "~/domain/tender.machine";
import { paymentItemMachine, paymentRunMachine } from "~/domain/payment-item.machine";

/** Issue 8, D.15: the audit page speaks German everywhere, rule codes with their titles. */
const ROOT = path.resolve(__dirname, "../..");

function sources(...dirs: string[]): string {
  const read = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? read(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [fs.readFileSync(path.join(dir, e.name), "utf8")] : []));
  return dirs.flatMap((d) => read(path.join(ROOT, d))).join("\n");
}

/** Every audit action code the application writes: literals, both arms of a ternary, and the machine-driven ones. */
function writtenActions(): string[] {
  const code = sources("app/services", "app/lib");
  const found = new Set<string>();
  for (const m of code.matchAll(/\baction: "([a-z_-]+\.[a-z_-]+)"/g)) found.add(m[1]);
  for (const m of code.matchAll(/\baction: [^,\n]*\? "([a-z_-]+\.[a-z_-]+)" : "([a-z_-]+\.[a-z_-]+)"/g)) {
    found.add(m[1]);
    found.add(m[2]);
  }
  // Machine-driven codes: storedMachine(machine, { action: "prefix" }) writes `${prefix}.${event}` per event.
  const templated: [string, string, { transitions: readonly { event: string }[] }][] = [
    ["claimMachine", "placement", claimMachine],
    ["instalmentMachine", "instalment", instalmentMachine],
    ["agreementMachine", "agreement", agreementMachine],
    ["assignmentMachine", "assignment", assignmentMachine],
    ["tenderMachine", "tender", tenderMachine],
    ["paymentItemMachine", "payment", paymentItemMachine],
    ["paymentRunMachine", "payment-run", paymentRunMachine],
    ["purchaseMachine", "purchase", purchaseMachine],
  ];
  expect(code).toContain("action: write.audit?.action ?? `${stored.action}.${req.event}`");
  for (const [name, prefix, machine] of templated) {
    expect(code, name).toMatch(new RegExp(`storedMachine\\(${name}, \\{[^}]*action: "${prefix}"`));
    for (const t of machine.transitions) found.add(`${prefix}.${t.event}`);
  }
  return [...found].sort();
}

describe("every code the application writes has a German name", () => {
  it("audit actions (the scan finds the known ones, so it scans)", () => {
    const actions = writtenActions();
    expect(actions).toEqual(expect.arrayContaining(["tender.publish", "offer.submit", "offer.replace", "placement.accept", "instalment.certify", "system.backup", "system.restore", "auth.login_failed"]));
    const missing = actions.filter((a) => !AUDIT_ACTION_LABELS[a]);
    expect(missing).toEqual([]);
    for (const a of actions) expect(auditActionLabel(a)).not.toBe(a);
  });

  it("record kinds", () => {
    const code = sources("app/services", "app/lib");
    const kinds = new Set([...code.matchAll(/\bentityType: "([a-z_-]+)"/g)].map((m) => m[1]));
    expect(kinds.size).toBeGreaterThan(10);
    expect([...kinds].filter((k) => !AUDIT_ENTITY_LABELS[k])).toEqual([]);
  });

  it("placement rule codes (every code placement-rules.ts reports)", () => {
    const code = fs.readFileSync(path.join(ROOT, "app/domain/placement-rules.ts"), "utf8");
    const codes = new Set([...code.matchAll(/\b(?:err|flag)\("(R\d+-[a-z-]+)"/g)].map((m) => m[1]));
    expect(codes.size).toBeGreaterThan(20);
    expect([...codes].filter((c) => !RULE_TITLES[c])).toEqual([]);
    expect(Object.keys(RULE_TITLES).filter((c) => !codes.has(c))).toEqual([]); // no stale titles
  });
});

describe("describeAuditDetails", () => {
  it("a claim decision: states by name, rule codes with titles and severity", () => {
    const rows = describeAuditDetails("placement-claim", {
      from: "submitted",
      to: "accepted",
      note: "geprüft",
      results: [
        { code: "R2-hours", severity: "error" },
        { code: "R5-iban", severity: "flag" },
      ],
      severeDisabilityException: false,
    });
    expect(rows).toEqual([
      { label: "vorher", value: "eingereicht" },
      { label: "nachher", value: "anerkannt" },
      { label: "Vermerk", value: "geprüft" },
      { label: "Regelprüfung", value: "R2-hours – Mindestarbeitszeit unterschritten (Ablehnung); R5-iban – Gleiche Bankverbindung von Arbeitgeber und Vermittler (Prüfhinweis)" },
      { label: "Ausnahme schwerbehinderte Menschen", value: "nein" },
    ]);
  });

  it("states are named by the record's own machine; an unknown state or code stays as stored", () => {
    expect(describeAuditDetails("tender", { from: "draft", to: "published" }).map((r) => r.value)).toEqual(["Entwurf", "veröffentlicht"]);
    expect(describeAuditDetails("fee-instalment", { to: "payable" })[0].value).toBe("sachlich richtig, an Kasse übergeben");
    expect(describeAuditDetails("placement-claim", { to: "payable" })[0].value).toBe("payable");
    expect(ruleLabel("R99-new")).toBe("R99-new");
    expect(describeAuditDetails("x", { results: [{ code: "R99-new" }] })[0].value).toBe("R99-new");
  });

  it("amounts in euro, dates and instants in German notation, empty values as a dash", () => {
    const rows = describeAuditDetails("assignment", { maxFeeCents: 200000, endedOn: "2026-02-28", at: "2026-03-02T09:00:07.000Z", reason: null, kinds: [], consent: true });
    expect(rows).toEqual([
      { label: "Höchstbetrag", value: "2.000,00 €" },
      { label: "Ende der Beschäftigung", value: "28.02.2026" },
      { label: "Zeitpunkt", value: "02.03.2026, 10:00:07 Uhr" },
      { label: "Begründung", value: "–" },
      { label: "Unterlagen", value: "–" },
      { label: "Einwilligung", value: "ja" },
    ]);
  });

  it("a change set reads as field: before → after", () => {
    const rows = describeAuditDetails("provider", { changes: { name: { before: "Alt GmbH", after: "Neu GmbH" }, validUntil: { before: null, after: "2027-01-31" } } });
    expect(rows).toEqual([{ label: "Änderungen", value: "Name: Alt GmbH → Neu GmbH; gültig bis: – → 31.01.2027" }]);
  });

  it("no details: no rows; system actors have German names", () => {
    expect(describeAuditDetails("tender", null)).toEqual([]);
    expect(auditActorLabel("system")).toBe("System (Hintergrundaufgabe)");
    expect(auditActorLabel("cli")).toBe("Kommandozeile");
    expect(auditActorLabel("petra@asz.example")).toBe("petra@asz.example");
  });
});

import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { tx } from "~/lib/db.server";
import { auditFilterOptions, queryAudit } from "~/services/audit-log.server";

/** Issue 8, D.15: the audit page's view model carries German labels next to the stored codes. */
beforeAll(async () => {
  await freshDatabase();
  await tx(async (m) => {
    await appendAudit(m, { id: 7, label: "pruefer@asz.example" }, {
      action: "placement.reject",
      summary: "Vermittlungsnachweis VN-2026-001 abgelehnt",
      entityType: "placement-claim",
      entityId: 12,
      details: { from: "submitted", to: "rejected", note: "Arbeitszeit zu gering", results: [{ code: "R2-hours", severity: "error" }] },
    });
    await appendAudit(m, SYSTEM, { action: "tender.close_offers", summary: "Angebotsfrist abgelaufen", entityType: "tender", entityId: 3, details: { from: "published", to: "offers_closed", offers: 2 } });
  });
});

describe("queryAudit and the filter options", () => {
  it("rows name the event, the record, the actor and the details in German; the codes stay alongside", async () => {
    const { rows, total } = await queryAudit({});
    expect(total).toBe(2);
    const [closing, decision] = rows; // newest first
    expect(decision).toMatchObject({
      action: "placement.reject",
      actionLabel: "Vermittlungsnachweis abgelehnt",
      actor: "pruefer@asz.example",
      entityType: "placement-claim",
      entityLabel: "Vermittlungsnachweis",
      entityId: "12",
    });
    expect(decision.details).toEqual([
      { label: "vorher", value: "eingereicht" },
      { label: "nachher", value: "abgelehnt" },
      { label: "Vermerk", value: "Arbeitszeit zu gering" },
      { label: "Regelprüfung", value: "R2-hours – Mindestarbeitszeit unterschritten (Ablehnung)" },
    ]);
    expect(JSON.parse(decision.rawDetails!)).toMatchObject({ results: [{ code: "R2-hours", severity: "error" }] });
    expect(closing).toMatchObject({ actionLabel: "Angebotsfrist abgelaufen", actor: "System (Hintergrundaufgabe)", entityLabel: "Ausschreibung" });
    expect(closing.details.slice(0, 2)).toEqual([
      { label: "vorher", value: "veröffentlicht" },
      { label: "nachher", value: "Angebotsfrist abgelaufen" },
    ]);
  });

  it("filter options are the codes present, named in German and sorted by name; the record-kind filter works", async () => {
    const options = await auditFilterOptions();
    expect(options.actions).toEqual([
      { value: "tender.close_offers", label: "Angebotsfrist abgelaufen" },
      { value: "placement.reject", label: "Vermittlungsnachweis abgelehnt" },
    ]);
    expect(options.entityTypes).toEqual([
      { value: "tender", label: "Ausschreibung" },
      { value: "placement-claim", label: "Vermittlungsnachweis" },
    ]);
    const onlyClaims = await queryAudit({ entityType: "placement-claim" });
    expect(onlyClaims.rows.map((r) => r.action)).toEqual(["placement.reject"]);
  });

  it("an event filter matches that event only; a value ending in a dot matches the group", async () => {
    await tx(async (m) => {
      await appendAudit(m, SYSTEM, { action: "tender.open", summary: "Angebote geöffnet", entityType: "tender", entityId: 3 });
      await appendAudit(m, SYSTEM, { action: "tender.opening_confirm", summary: "Öffnung bestätigt", entityType: "tender", entityId: 3 });
    });
    expect((await queryAudit({ action: "tender.open" })).rows.map((r) => r.action)).toEqual(["tender.open"]);
    expect((await queryAudit({ action: "tender." })).rows.map((r) => r.action)).toEqual(["tender.opening_confirm", "tender.open", "tender.close_offers"]);
    expect((await queryAudit({ action: "tender" })).total).toBe(0);
  });
});

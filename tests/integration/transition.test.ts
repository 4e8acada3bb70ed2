import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditEvent, Tender, User } from "../../entities";
import { ConflictError, ForbiddenError, RuleError } from "~/domain/errors";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import type { PersonUser } from "~/services/auth.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { createTender, TENDERS, tenderFacts } from "~/services/tenders.server";
import { planTransition, transition, tryTransition } from "~/services/transition.server";

/** The one transition path (ADR 0010): conditional update, audit entry, refusals. */

let procurement: PersonUser;
let broker: PersonUser;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function draft(): Promise<number> {
  const t = await createTender(procurement, { title: "Aktivierung Ü50 Bautzen", description: "", measureType: "activation_45", legalBasis: "§ 45 SGB III", procedureType: "open" });
  return t.id;
}

const audits = async (id: number) => (await (await em()).getRepository(AuditEvent).find({ where: { entityType: "tender", entityId: String(id) }, order: { seq: "ASC" } })).map((a) => ({ action: a.action, details: a.details }));

beforeAll(async () => {
  await freshDatabase();
  await seedDemoData({ scale: 0.1 });
  procurement = await currentUser("vergabe@asz-kamenz.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
});

describe("transition()", () => {
  it("writes the status with the further columns and one audit entry with from and to", async () => {
    const id = await draft();
    const before = (await audits(id)).length;
    const moved = await tx(async (m) => {
      const tender = await m.getRepository(Tender).findOneByOrFail({ id });
      const result = await transition(m, TENDERS, { entity: tender, event: "cancel", facts: await tenderFacts(m, tender, { cancelReason: "Bedarf ist entfallen." }), actor: procurement, set: { cancelReason: "Bedarf ist entfallen." } });
      expect(tender.status).toBe("cancelled"); // the loaded row follows
      return result;
    });
    expect(moved).toEqual({ from: "draft", to: "cancelled" });
    expect(await (await em()).getRepository(Tender).findOneByOrFail({ id })).toMatchObject({ status: "cancelled", cancelReason: "Bedarf ist entfallen." });
    const entries = (await audits(id)).slice(before);
    expect(entries).toEqual([{ action: "tender.cancel", details: { from: "draft", to: "cancelled" } }]);
  });

  it("a row changed between reading and writing: 409 'inzwischen geändert', nothing written", async () => {
    const id = await draft();
    const before = (await audits(id)).length;
    const error = await tx(async (m) => {
      const tender = await m.getRepository(Tender).findOneByOrFail({ id });
      const planned = planTransition(TENDERS, { entity: tender, event: "cancel", facts: await tenderFacts(m, tender, { cancelReason: "Bedarf ist entfallen." }), actor: procurement });
      // Someone else moves the tender after our read.
      await m.getRepository(Tender).update({ id }, { status: "published" });
      return planned.commit(m).then(
        () => null,
        (e: unknown) => e,
      );
    });
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe(TENDERS.changed);
    expect((error as ConflictError).status).toBe(409);
    expect((await audits(id)).length).toBe(before);
  });

  it("tryTransition answers null for a moved row, a wrong state or a failed guard; it still refuses a missing permission", async () => {
    const id = await draft();
    const before = (await audits(id)).length;
    await tx(async (m) => {
      const tender = await m.getRepository(Tender).findOneByOrFail({ id });
      const facts = await tenderFacts(m, tender, { cancelReason: "Bedarf ist entfallen." });
      // Failed guard (reason too short) and wrong state (close_offers needs "published"): null.
      expect(await tryTransition(m, TENDERS, { entity: tender, event: "cancel", facts: { ...facts, cancelReason: "kurz" }, actor: procurement })).toBeNull();
      expect(await tryTransition(m, TENDERS, { entity: tender, event: "close_offers", facts, actor: "system" })).toBeNull();
      // Moved meanwhile: null.
      await m.getRepository(Tender).update({ id }, { status: "offers_closed" });
      expect(await tryTransition(m, TENDERS, { entity: tender, event: "cancel", facts, actor: procurement })).toBeNull();
      await expect(tryTransition(m, TENDERS, { entity: tender, event: "cancel", facts, actor: broker })).rejects.toBeInstanceOf(ForbiddenError);
      await m.getRepository(Tender).update({ id }, { status: "draft" });
    });
    expect((await audits(id)).length).toBe(before);
  });

  it("refuses in the order permission (403), state (409), guard (422)", async () => {
    const id = await draft();
    const m = await em();
    const tender = await m.getRepository(Tender).findOneByOrFail({ id });
    const facts = await tenderFacts(m, tender, { cancelReason: "kurz" });
    // The broker may not cancel: 403 even though the guard would fail too.
    expect(() => planTransition(TENDERS, { entity: tender, event: "cancel", facts, actor: broker })).toThrow(ForbiddenError);
    // Procurement may open offers in general, but not a draft: 409 naming the state.
    expect(() => planTransition(TENDERS, { entity: tender, event: "open", facts, actor: procurement })).toThrow(/Im Status „Entwurf“/);
    expect(() => planTransition(TENDERS, { entity: tender, event: "open", facts, actor: procurement })).toThrow(ConflictError);
    // The guard's own text: 422.
    expect(() => planTransition(TENDERS, { entity: tender, event: "cancel", facts, actor: procurement })).toThrow(RuleError);
    expect(() => planTransition(TENDERS, { entity: tender, event: "cancel", facts, actor: procurement })).toThrow("Bitte begründen Sie die Aufhebung (mindestens 10 Zeichen).");
  });
});

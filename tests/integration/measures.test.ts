import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiEvent, AuditEvent, Contract, Lot, Measure, PlacePurchase, Provider, Tender, User } from "../../entities";
import { ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { addDays, formatDate } from "~/domain/time";
import { setClock, today } from "~/lib/clock.server";
import { em } from "../setup/db";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import type { PersonUser } from "~/services/auth.server";
import { createToken } from "~/services/api-tokens.server";
import { concludeAward } from "~/services/evaluation.server";
import { acceptMeasure, closeMeasure, createMeasure, getMeasure, listMeasures, listOwnMeasures, measureFilterOptions, measuresCsv, proposeMeasure, rejectMeasure, updateMeasure } from "~/services/measures.server";
import { action as apiMeasuresAction, loader as apiMeasuresLoader } from "~/routes/api.v1.measures._index";
import { loader as apiMeasureLoader } from "~/routes/api.v1.measures.$id";

/**
 * The measure catalogue (issue 11, points 1–2) through the services: staff create, edit and
 * close entries; providers propose, only their own organisation sees a proposal, staff accept or
 * reject it (feed events); an award creates the entry of each contract; the list and its CSV;
 * the provider API (propose 201, rules 422, scope 403, own only).
 */

let procurement: PersonUser;
let caseManager: PersonUser;
let trainer: PersonUser; // traeger@ – DEMO-T-0001, a training provider
let trainer2: PersonUser; // angebote@demo-t-0002 – another training provider
let broker: PersonUser; // vermittler@ – a private broker
let trainerProviderId: number;
let baMeasureId: number;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function audits(action: string, entityId: number): Promise<AuditEvent[]> {
  return (await em()).getRepository(AuditEvent).find({ where: { action, entityType: "measure", entityId: String(entityId) } });
}

async function rejects<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as T;
  }
  throw new Error(`expected ${type.name}`);
}

const de = (d: string) => formatDate(d);

function baForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const day = today();
  return {
    origin: "ba",
    providerId: String(trainerProviderId),
    typeCode: "bae",
    title: "BaE Verkäufer/in – Plätze der BA",
    region: "Kamenz",
    location: "Kamenz, Macherstraße 1",
    entryMode: "continuous",
    duration: "36",
    durationUnit: "month",
    weeklyHours: "39,5",
    capacity: "3",
    priceModel: "",
    price: "1.150,00",
    proRata: "days",
    validFrom: de(day),
    validUntil: de(addDays(day, 365)),
    baReference: "BA-962-0815",
    targetGroups: ["youth"],
    maxAge: "24",
    eventFees: [{ event: "transfer", label: "", amount: "2.000,00" }],
    ...overrides,
  };
}

function proposalForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const day = today();
  return {
    typeCode: "fbw",
    title: "Fachkraft Lagerlogistik (Umschulung)",
    entryMode: "dates",
    startDates: `${de(addDays(day, 30))}\n${de(addDays(day, 120))}`,
    duration: "24",
    durationUnit: "month",
    weeklyHours: "35",
    capacity: "8",
    price: "14.200,00",
    validFrom: de(day),
    validUntil: de(addDays(day, 400)),
    azavNumber: "AZAV-M-4711",
    azavValidFrom: de(addDays(day, -10)),
    azavValidUntil: de(addDays(day, 700)),
    ...overrides,
  };
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-05-04T08:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  await seedDemoTenders();
  procurement = await currentUser("vergabe@asz-kamenz.example");
  caseManager = await currentUser("fallmanagement@asz-kamenz.example");
  trainer = await currentUser("traeger@bildungswerk-lausitz.example");
  trainer2 = await currentUser("angebote@demo-t-0002.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  trainerProviderId = trainer.providerId!;
  const m = await em();
  expect((await m.getRepository(Provider).findOneByOrFail({ id: trainerProviderId })).kind).toBe("training");
  expect((await m.getRepository(Provider).findOneByOrFail({ id: broker.providerId! })).kind).toBe("broker");
}, 180_000);

describe("staff create, edit and close", () => {
  it("procurement creates a BA entry: active, audited, the type's price model, the BA note", async () => {
    const measure = await createMeasure(procurement, baForm());
    baMeasureId = measure.id;
    expect(measure).toMatchObject({ status: "active", origin: "ba", priceModel: "place_month", priceCents: 115000, weeklyHours: 3950, capacity: 3, baReference: "BA-962-0815", maxAge: 24, createdById: procurement.id });
    expect(measure.reference).toMatch(/^MN-2026-\d{5}$/);
    expect(measure.eventFees).toEqual([{ event: "transfer", label: "Übergangsprämie (Wechsel in betriebliche Ausbildung)", amountCents: 200000 }]);
    expect(await audits("measure.create", measure.id)).toHaveLength(1);
    const d = await getMeasure(caseManager, measure.id);
    expect(d.measure).toMatchObject({ baNote: "Kooperation öffentlicher Auftraggeber (§ 108 Abs. 6 GWB): keine eigene Vergabe", priceModelLabel: "je Platz und Monat", proRataLabel: "anteilig nach Kalendertagen", targetGroupLabels: ["Jugendliche (unter 25)"] });
  });

  it("a case manager cannot create, edit or close entries", async () => {
    await rejects(createMeasure(caseManager, baForm()), ForbiddenError);
    await rejects(updateMeasure(caseManager, baMeasureId, baForm()), ForbiddenError);
    await rejects(closeMeasure(caseManager, baMeasureId, { reason: "Keine Plätze mehr frei bei der BA" }), ForbiddenError);
  });

  it("refuses bad input with field errors and writes nothing", async () => {
    const m = await em();
    const before = await m.getRepository(Measure).count();
    const e = await rejects(createMeasure(procurement, baForm({ capacity: "0", baReference: "", origin: "ba" })), ValidationError);
    expect(e.fieldErrors).toMatchObject({ capacity: "Mindestens 1 Platz.", baReference: expect.stringMatching(/Vergabenummer der BA/) });
    const notTraining = await rejects(
      createMeasure(procurement, baForm({ origin: "certified", providerId: String(broker.providerId), azavNumber: "X-1", azavValidFrom: de(today()), azavValidUntil: de(today()) })),
      ValidationError,
    );
    expect(notTraining.fieldErrors.providerId).toMatch(/nur bei Bildungsträgern/);
    await rejects(createMeasure(procurement, baForm({ origin: "contract" })), ValidationError);
    expect(await m.getRepository(Measure).count()).toBe(before);
  });

  it("an employer's measure has no provider and no price", async () => {
    const measure = await createMeasure(procurement, baForm({ origin: "employer", providerId: "", hostName: "Kamenzer Logistik GmbH", typeCode: "employer_training", priceModel: "", price: "0,00", proRata: "", baReference: "", eventFees: [], duration: "2", durationUnit: "week" }));
    expect(measure).toMatchObject({ providerId: null, hostName: "Kamenzer Logistik GmbH", priceModel: "none", priceCents: 0, baReference: "" });
  });

  it("shows today's occupancy: purchases in a holding state whose period contains today", async () => {
    const m = await em();
    const day = today();
    const base = { reference: "", measureId: baMeasureId, providerId: trainerProviderId, clientId: 1, priceModel: "place_month", priceCents: 115000, proRata: "days", eventFees: [], hours: null, estimatedCents: 0, budgetLineId: null, approvalNeeded: false, consentAt: null, note: "", requestedById: caseManager.id, requestedAt: new Date().toISOString(), createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    const rows: Partial<PlacePurchase>[] = [
      { status: "running", startDate: addDays(day, -30), endDate: day }, // ends today: holds
      { status: "ordered", startDate: day, endDate: addDays(day, 30) }, // starts today: holds
      { status: "running", startDate: addDays(day, -60), endDate: addDays(day, -1) }, // ended yesterday
      { status: "confirmed", startDate: addDays(day, 1), endDate: addDays(day, 60) }, // starts tomorrow
      { status: "cancelled", startDate: addDays(day, -5), endDate: addDays(day, 5) }, // holds nothing
      { status: "completed", startDate: addDays(day, -5), endDate: addDays(day, 5) },
    ];
    let n = 0;
    for (const r of rows) await m.getRepository(PlacePurchase).insert({ ...base, ...r, reference: `P-TEST-${++n}` } as PlacePurchase);
    const d = await getMeasure(caseManager, baMeasureId);
    expect(d.occupied).toBe(2);
    expect(d.occupancyLabel).toBe("2 von 3 Plätzen belegt");
  });

  it("an edit changes the entry for future purchases; bought places keep their price", async () => {
    const m = await em();
    const updated = await updateMeasure(procurement, baMeasureId, baForm({ price: "1.200,00", capacity: "4", origin: "employer" }));
    expect(updated).toMatchObject({ priceCents: 120000, capacity: 4, origin: "ba" });
    const bought = await m.getRepository(PlacePurchase).find({ where: { measureId: baMeasureId } });
    expect(bought.every((p) => p.priceCents === 115000)).toBe(true);
    const [audit] = await audits("measure.update", baMeasureId);
    expect(audit.summary).toBe(`Katalogeintrag ${updated.reference} geändert: Plätze, Preis`);
    await rejects(updateMeasure(procurement, baMeasureId, baForm({ validUntil: de(addDays(today(), -1)) })), ValidationError);
  });

  it("closing needs a reason of 10 characters; a closed entry cannot be edited or closed again", async () => {
    const e = await rejects(closeMeasure(procurement, baMeasureId, { reason: "123456789" }), ValidationError);
    expect(e.fieldErrors.reason).toMatch(/mindestens 10 Zeichen/);
    await closeMeasure(procurement, baMeasureId, { reason: "1234567890" });
    const closed = await (await em()).getRepository(Measure).findOneByOrFail({ id: baMeasureId });
    expect(closed).toMatchObject({ status: "closed", statusReason: "1234567890", decidedById: procurement.id });
    expect(await audits("measure.close", baMeasureId)).toHaveLength(1);
    await rejects(closeMeasure(procurement, baMeasureId, { reason: "noch einmal schließen" }), RuleError);
    await rejects(updateMeasure(procurement, baMeasureId, baForm()), RuleError);
  });
});

describe("provider proposals", () => {
  let proposalId: number;
  let secondId: number;

  it("a training provider proposes a certified measure; status proposed, invisible to other providers", async () => {
    const measure = await proposeMeasure(trainer, proposalForm({ origin: "ba", providerId: "999" }), "portal");
    proposalId = measure.id;
    expect(measure).toMatchObject({ status: "proposed", origin: "certified", providerId: trainerProviderId, proposedById: trainer.id, azavNumber: "AZAV-M-4711", priceModel: "participant", entryMode: "dates" });
    expect(measure.startDates).toHaveLength(2);
    expect(await audits("measure.propose", measure.id)).toHaveLength(1);
    // Own organisation only.
    expect((await getMeasure(trainer, measure.id)).measure.status).toBe("proposed");
    await rejects(getMeasure(trainer2, measure.id), NotFoundError);
    await rejects(getMeasure(broker, measure.id), NotFoundError);
    expect((await listOwnMeasures(trainer2, { page: 1, pageSize: 100 })).rows.map((r) => r.id)).not.toContain(measure.id);
    expect((await listOwnMeasures(trainer, { page: 1, pageSize: 100 })).rows.map((r) => r.id)).toContain(measure.id);
    // Staff see it among the proposals to decide.
    const list = await listMeasures(procurement, { status: "proposed" });
    expect(list.rows.map((r) => r.id)).toContain(measure.id);
    expect(list.proposed).toBeGreaterThanOrEqual(1);
  });

  it("AZAV data is required; a broker proposes nothing", async () => {
    const e = await rejects(proposeMeasure(trainer, proposalForm({ azavNumber: "", azavValidUntil: "" }), "portal"), ValidationError);
    expect(Object.keys(e.fieldErrors).sort()).toEqual(["azavNumber", "azavValidUntil"]);
    await rejects(proposeMeasure(broker, proposalForm(), "portal"), ForbiddenError);
    await rejects(proposeMeasure(procurement, proposalForm(), "portal"), ForbiddenError);
  });

  it("staff accept: active, decided by and at, audit and the provider's feed event", async () => {
    await rejects(acceptMeasure(caseManager, proposalId), ForbiddenError);
    await acceptMeasure(procurement, proposalId);
    const m = await em();
    expect(await m.getRepository(Measure).findOneByOrFail({ id: proposalId })).toMatchObject({ status: "active", decidedById: procurement.id, decidedAt: expect.any(String) });
    expect(await audits("measure.accept", proposalId)).toHaveLength(1);
    const events = await m.getRepository(ApiEvent).find({ where: { entityType: "measure", entityId: proposalId } });
    expect(events.map((e) => [e.type, e.providerId, e.status])).toEqual([["measure.accepted", trainerProviderId, "active"]]);
    await rejects(acceptMeasure(procurement, proposalId), RuleError);
  });

  it("staff reject with a reason of at least 10 characters: the provider's feed event", async () => {
    secondId = (await proposeMeasure(trainer, proposalForm({ title: "Zweiter Vorschlag" }), "api")).id;
    const e = await rejects(rejectMeasure(procurement, secondId, { reason: "zu teuer" }), ValidationError);
    expect(e.fieldErrors.reason).toMatch(/mindestens 10 Zeichen/);
    await rejectMeasure(procurement, secondId, { reason: "Preis über dem Marktüblichen" });
    const m = await em();
    expect(await m.getRepository(Measure).findOneByOrFail({ id: secondId })).toMatchObject({ status: "rejected", statusReason: "Preis über dem Marktüblichen" });
    const events = await m.getRepository(ApiEvent).find({ where: { entityType: "measure", entityId: secondId } });
    expect(events.map((x) => [x.type, x.providerId])).toEqual([["measure.rejected", trainerProviderId]]);
    await rejects(acceptMeasure(procurement, secondId), RuleError);
  });
});

describe("from awarded contracts", () => {
  it("the award creates one active catalogue entry per contract, in the same transaction, audited", async () => {
    const m = await em();
    // The demo's awarded tender already has its entries.
    const awarded = await m.getRepository(Contract).find();
    expect(awarded.length).toBeGreaterThan(0);
    for (const k of awarded) expect(await m.getRepository(Measure).count({ where: { contractId: k.id } })).toBe(1);

    const tender = await m.getRepository(Tender).findOneOrFail({ where: { status: "bidders_informed" } });
    if (tender.standstillEndsAt) setClock(new Date(Date.parse(tender.standstillEndsAt) + 3600_000).toISOString());
    const { contracts } = await concludeAward(procurement, tender.id);
    expect(contracts).toBeGreaterThan(0);
    const rows = await m.getRepository(Contract).find({ where: { tenderId: tender.id } });
    expect(rows).toHaveLength(contracts);
    for (const k of rows) {
      const lot = await m.getRepository(Lot).findOneByOrFail({ id: k.lotId });
      const [entry] = await m.getRepository(Measure).find({ where: { contractId: k.id } });
      expect(entry).toMatchObject({
        origin: "contract",
        status: "active",
        providerId: k.providerId,
        title: `${tender.title} – Los ${lot.number}: ${lot.title}`.slice(0, 200),
        capacity: k.quantity,
        priceModel: k.priceUnit === "place_month" ? "place_month" : "participant",
        priceCents: k.unitPriceCents,
        validFrom: k.startDate,
        validUntil: k.endDate,
        entryMode: "continuous",
        region: lot.region,
      });
      if (k.priceUnit === "participant_success" && k.successFeeCents) expect(entry.eventFees).toEqual([{ event: "success", label: "Erfolgsprämie je Integration", amountCents: k.successFeeCents }]);
      expect(await audits("measure.create", entry.id)).toHaveLength(1);
      // The contract's provider sees its entry in the portal.
      const own = await m.getRepository(User).findOne({ where: { providerId: k.providerId, role: "provider" } });
      if (own) expect((await getMeasure(await currentUser(own.email), entry.id)).measure.contractReference).toBe(k.reference);
    }
  });
});

describe("list and CSV", () => {
  it("filters by origin and status, sorts by capacity, exports the selection", async () => {
    const ba = await listMeasures(caseManager, { origin: "ba" });
    expect(ba.rows.length).toBeGreaterThan(0);
    expect(ba.rows.every((r) => r.origin === "ba")).toBe(true);
    const byCapacity = await listMeasures(caseManager, { sort: "capacity", dir: "desc", pageSize: 200 });
    const caps = byCapacity.rows.map((r) => r.capacity);
    expect(caps).toEqual([...caps].sort((a, b) => b - a));
    const search = await listMeasures(caseManager, { q: "lagerlogistik" });
    expect(search.rows.map((r) => r.title)).toEqual(["Fachkraft Lagerlogistik (Umschulung)"]);
    const csv = await measuresCsv(caseManager, { origin: "ba" });
    const lines = csv.replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    expect(lines[0]).toBe("Nummer;Titel;Maßnahmeart;Herkunft;Träger / Arbeitgeber;Region;Ort;Einstieg;Dauer;Stunden je Woche;Plätze;Preismodell;Preis (EUR);gültig ab;gültig bis;Status");
    expect(lines).toHaveLength(ba.total + 1);
    const row = lines.find((l) => l.includes("BaE Verkäufer/in"))!;
    expect(row).toContain(";36 Monate;39,5;4;je Platz und Monat;1200,00;");
    expect(row).toMatch(/;geschlossen$/);
    await rejects(listMeasures(trainer, {}), ForbiddenError);
    // The filter options: the types, the providers and regions that have entries, each once.
    const options = await measureFilterOptions(caseManager);
    expect(options.types.map((t) => t.value)).toContain("bae");
    expect(options.providers.filter((p) => p.value === String(trainerProviderId))).toHaveLength(1);
    expect(options.regions.filter((r) => r.value === "Kamenz")).toHaveLength(1);
  });
});

describe("API", () => {
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    token = (await createToken({ id: null, label: "test" }, trainer.id, "Katalog")).token;
    readOnly = (await createToken({ id: null, label: "test" }, trainer.id, "Nur lesen", { scopes: ["read"] })).token;
  });

  const post = (bearer: string, body: unknown, key?: string) =>
    apiMeasuresAction({
      request: new Request("http://localhost/api/v1/measures", { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) }, body: JSON.stringify(body) }),
      params: {},
      context: {},
    } as never);
  const get = (bearer: string, path: string, id?: number) =>
    (id ? apiMeasureLoader : apiMeasuresLoader)({ request: new Request(`http://localhost/api/v1${path}`, { headers: { Authorization: `Bearer ${bearer}` } }), params: id ? { id: String(id) } : {}, context: {} } as never);

  function body(overrides: Record<string, unknown> = {}) {
    const day = today();
    return {
      typeCode: "fbw",
      title: "Berufskraftfahrer/in (API)",
      entryMode: "continuous",
      duration: 6,
      durationUnit: "month",
      weeklyHours: 38.5,
      capacity: 10,
      priceCents: 650000,
      eventFees: [{ event: "completion", amountCents: 50000 }],
      validFrom: day,
      validUntil: addDays(day, 365),
      azavNumber: "AZAV-M-API-1",
      azavValidFrom: day,
      azavValidUntil: addDays(day, 365),
      ...overrides,
    };
  }

  it("POST proposes: 201 with the entry, Location; a retry with the same key is the same entry", async () => {
    const res = await post(token, body(), "katalog-1");
    expect(res.status).toBe(201);
    const json = await res.json();
    expect(json).toMatchObject({ status: "proposed", origin: "certified", weeklyHours: 38.5, priceModel: "participant", priceCents: 650000, eventFees: [{ event: "completion", label: "bei Abschluss", amountCents: 50000 }], href: `/api/v1/measures/${json.id}` });
    expect(res.headers.get("Location")).toBe(`/api/v1/measures/${json.id}`);
    const again = await post(token, body(), "katalog-1");
    expect(again.status).toBe(201);
    expect((await again.json()).id).toBe(json.id);
    const one = await get(token, `/measures/${json.id}`, json.id);
    expect(one.status).toBe(200);
    const list = await get(token, "/measures?status=proposed");
    expect((await list.json()).items.map((x: { id: number }) => x.id)).toContain(json.id);
  });

  it("a rule not met is 422 with the API's field names", async () => {
    const res = await post(token, body({ capacity: 0, priceCents: 0, eventFees: [{ event: "success", amountCents: 0 }], validUntil: addDays(today(), -1) }));
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errors).toMatchObject({ capacity: "Mindestens 1 Platz.", priceCents: expect.stringMatching(/0,00 €/), "eventFees.0.amountCents": "Bitte einen Betrag über 0,00 € angeben.", validUntil: expect.stringMatching(/liegt vor gültig ab/) });
    // A body not shaped as documented is 400.
    expect((await post(token, body({ capacity: "zehn" }))).status).toBe(400);
  });

  it("a token without the scope places gets 403 on POST; reading works with read", async () => {
    const res = await post(readOnly, body());
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toMatch(/places|Einzelplätze/);
    expect((await get(readOnly, "/measures")).status).toBe(200);
  });

  it("another organisation's entry is 404", async () => {
    const other = (await createToken({ id: null, label: "test" }, trainer2.id, "Fremd")).token;
    const mine = await proposeMeasure(trainer, proposalForm({ title: "Nur für DEMO-T-0001" }), "portal");
    expect((await get(other, `/measures/${mine.id}`, mine.id)).status).toBe(404);
    expect((await get(token, `/measures/${mine.id}`, mine.id)).status).toBe(200);
  });
});

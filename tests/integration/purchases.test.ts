import { beforeAll, describe, expect, it } from "vitest";
import { In } from "typeorm";
import { BudgetLine, BudgetYear, Certification, Client, Commitment, Document, Measure, OutboxMessage, PlacePurchase, PlacePurchaseTotal, Provider, User } from "../../entities";
import type { EntityManager } from "typeorm";
import { ConflictError, ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { databaseKind, tx } from "~/lib/db.server";
import type { PersonUser } from "~/services/auth.server";
import { openDocument } from "~/services/documents.server";
import {
  approvePurchase,
  buyPlace,
  cancelPurchase,
  checkPurchase,
  confirmPurchase,
  declinePurchase,
  getPurchase,
  listOwnPurchases,
  listPurchases,
  PURCHASE_GROUPS,
  purchaseGroupCounts,
  ownPurchase,
  purchaseOrderDocument,
  purchasesAwaitingApproval,
  purchasesCsv,
  refusePurchase,
  setPurchaseConsent,
} from "~/services/purchases.server";
import { freshDatabase } from "../setup/db";

/**
 * Buying a place through the services (issue 11, points 3–5): fit, capacity (also under 20
 * parallel purchases), approval amount, commitments in every year, cancel/refuse, the provider's
 * answer, what the provider sees, the order PDF and mail. Own fixtures; fixed clock (2030–2034),
 * so the file passes on any date. Budget: the places line is set up here (budget: false).
 */

const LINE = "1.4820.7610";
const AMPLE = 1_000_000_000_00;
let cm1: PersonUser;
let cm2: PersonUser;
let finance: PersonUser;
let provT: PersonUser;
let provO: PersonUser;
let providerT: Provider;
let providerO: Provider;
let seq = 0;

async function makeUser(role: string, providerId: number | null = null): Promise<PersonUser> {
  const n = ++seq;
  const at = new Date().toISOString();
  const u = await (await em()).getRepository(User).save({
    email: `u${n}-${role}@test.example`,
    name: `Person ${n}`,
    role,
    phone: null,
    providerId,
    passwordHash: "x",
    active: true,
    providerAdmin: false,
    comparisonAccess: false,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
    passwordChangedAt: at,
  } as Partial<User>);
  return { id: u.id, email: u.email, name: u.name, role: role as PersonUser["role"], providerId };
}

async function makeProvider(name: string, email: string): Promise<Provider> {
  const at = new Date().toISOString();
  return (await em()).getRepository(Provider).save({
    externalKey: null,
    kind: "training",
    name,
    legalForm: "GmbH",
    street: "Weg 1",
    postalCode: "01917",
    city: "Kamenz",
    region: "Kamenz",
    vatId: null,
    email,
    phone: "",
    serviceCategories: [],
    tradeRegistrationDate: null,
    active: true,
    createdAt: at,
    updatedAt: at,
  } as Partial<Provider>);
}

async function makeMeasure(over: Partial<Measure> = {}): Promise<Measure> {
  const n = ++seq;
  const at = new Date().toISOString();
  return (await em()).getRepository(Measure).save({
    reference: `MK-T-${String(n).padStart(5, "0")}`,
    providerId: providerT.id,
    typeCode: "training",
    title: `Trainingsmaßnahme ${n}`,
    description: "",
    origin: "contract",
    contractId: null,
    baReference: "",
    azavNumber: "",
    azavValidFrom: null,
    azavValidUntil: null,
    hostName: "",
    region: "Kamenz",
    location: "Kamenz",
    format: "group",
    entryMode: "continuous",
    startDates: [],
    duration: 3,
    durationUnit: "month",
    weeklyHours: 3000,
    capacity: 3,
    priceModel: "participant",
    priceCents: 300_000,
    proRata: "days",
    eventFees: [],
    targetGroups: [],
    minAge: null,
    maxAge: null,
    entryConditions: "",
    validFrom: "2030-01-01",
    validUntil: "2034-12-31",
    status: "active",
    statusReason: "",
    proposedById: null,
    decidedById: null,
    decidedAt: null,
    createdById: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  } as Partial<Measure>);
}

async function makeClient(over: Partial<Client> = {}): Promise<Client> {
  const n = ++seq;
  const at = new Date().toISOString();
  return (await em()).getRepository(Client).save({
    reference: `K-${String(n).padStart(6, "0")}`,
    firstName: "Mara",
    lastName: `Zuckerbaum${n}`,
    birthDate: "1990-05-05",
    street: "Bautzener Str. 3",
    postalCode: "01917",
    city: "Kamenz",
    phone: "03578 1234",
    email: `kunde${n}@privat.example`,
    region: "Kamenz",
    targetGroups: [],
    qualification: "Lagerlogistik",
    targetOccupation: "Fachlagerist",
    monthlyBenefitCents: 56300,
    householdSize: 3,
    healthNotes: "Gesundheit-Marker-Qx71",
    caseManagerId: null,
    createdAt: at,
    updatedAt: at,
    ...over,
  } as Partial<Client>);
}

const buy = (user: PersonUser, measure: Measure, client: Client, startDate: string, extra: Record<string, unknown> = {}) =>
  buyPlace(user, { clientId: String(client.id), measureId: String(measure.id), startDate, ...extra });
const check = (measure: Measure, client: Client, startDate: string, extra: Record<string, unknown> = {}) =>
  checkPurchase(cm1, { clientId: String(client.id), measureId: String(measure.id), startDate, ...extra });

async function setYear(year: number, appropriationCents: number) {
  const m = await em();
  const line = await m.getRepository(BudgetLine).findOneByOrFail({ number: LINE });
  await m.getRepository(BudgetYear).update({ budgetLineId: line.id, year }, { appropriationCents });
}

beforeAll(async () => {
  await freshDatabase({ budget: false });
  setClock("2030-01-10T09:00:00.000Z");
  const m = await em();
  const at = new Date().toISOString();
  const line = await m.getRepository(BudgetLine).save({ number: LINE, title: "Einzelplatzeinkauf (Test)", active: true, createdAt: at } as Partial<BudgetLine>);
  const years = [];
  for (let year = 2028; year <= 2040; year++) years.push({ budgetLineId: line.id, year, appropriationCents: AMPLE, authorisationCents: 0, updatedAt: at, updatedById: null });
  await m.getRepository(BudgetYear).insert(years);
  providerT = await makeProvider("Bildungswerk Test gGmbH", "bestellung@bildungswerk-test.example");
  providerO = await makeProvider("Anderer Träger GmbH", "post@anderer-traeger.example");
  cm1 = await makeUser("case_manager");
  cm2 = await makeUser("case_manager");
  finance = await makeUser("finance");
  provT = await makeUser("provider", providerT.id);
  provO = await makeUser("provider", providerO.id);
});

describe("capacity", () => {
  it("the third of three places is sold, the fourth refused; a cancel frees one again", async () => {
    const measure = await makeMeasure({ capacity: 3 });
    const clients = await Promise.all([1, 2, 3, 4].map(() => makeClient()));
    const bought = [];
    for (const c of clients.slice(0, 3)) bought.push(await buy(cm1, measure, c, "2030-03-01"));
    expect(bought.map((p) => p.status)).toEqual(["ordered", "ordered", "ordered"]);
    expect(bought[0].reference).toMatch(/^EP-2030-\d{5}$/);
    const refused = await buy(cm1, measure, clients[3], "2030-03-01").catch((e) => e);
    expect(refused).toBeInstanceOf(RuleError);
    expect(refused.message).toContain(`In „${measure.title}“ ist für diesen Zeitraum kein Platz mehr frei (3 von 3 Plätzen belegt).`);
    // The check step says the same without writing.
    const report = await check(measure, clients[3], "2030-03-01");
    expect(report.held).toBe(3);
    expect(report.capacityProblem).toContain("kein Platz mehr frei");
    await cancelPurchase(cm1, bought[0].id, "Kunde hat eine Arbeit aufgenommen.");
    const fourth = await buy(cm1, measure, clients[3], "2030-03-01");
    expect(fourth.status).toBe("ordered");
  });

  it("two places one after the other occupy one place", async () => {
    const measure = await makeMeasure({ capacity: 1, duration: 1, durationUnit: "month" });
    const [a, b, c] = await Promise.all([makeClient(), makeClient(), makeClient()]);
    const first = await buy(cm1, measure, a, "2030-04-01");
    expect(first.endDate).toBe("2030-04-30");
    // Starts on the first one's last day: overlaps by one day.
    await expect(buy(cm1, measure, c, "2030-04-30")).rejects.toThrow("kein Platz mehr frei");
    const second = await buy(cm1, measure, b, "2030-05-01");
    expect(second.status).toBe("ordered");
  });

  it("20 parallel purchases for 3 free places: exactly 3 succeed, 17 are refused with the capacity message", async () => {
    const measure = await makeMeasure({ capacity: 3, title: "Parallelkurs Lager" });
    const clients = [];
    for (let i = 0; i < 20; i++) clients.push(await makeClient());
    const results = await Promise.allSettled(clients.map((c) => buy(cm1, measure, c, "2030-06-01")));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(3);
    expect(failed).toHaveLength(17);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(RuleError);
      expect((f.reason as Error).message).toBe("In „Parallelkurs Lager“ ist für diesen Zeitraum kein Platz mehr frei (3 von 3 Plätzen belegt).");
    }
    expect(await (await em()).getRepository(PlacePurchase).count({ where: { measureId: measure.id } })).toBe(3);
    // Every purchase has its commitment; the refused ones left none.
    const ids = (await (await em()).getRepository(PlacePurchase).find({ where: { measureId: measure.id } })).map((p) => p.id);
    expect(await (await em()).getRepository(Commitment).count({ where: { sourceType: "purchase", sourceId: In(ids) } })).toBe(3);
  });
});

describe("approval amount", () => {
  it("exactly the amount is ordered at once; one cent over waits for a second person", async () => {
    const exact = await makeMeasure({ priceCents: 1_000_000 });
    const over = await makeMeasure({ priceCents: 1_000_001 });
    const [a, b] = await Promise.all([makeClient(), makeClient()]);
    const p1 = await buy(cm1, exact, a, "2030-03-01");
    expect(p1.approvalNeeded).toBe(false);
    expect(p1.status).toBe("ordered");
    const p2 = await buy(cm1, over, b, "2030-03-01");
    expect(p2.approvalNeeded).toBe(true);
    expect(p2.status).toBe("requested");
    expect((await listPurchases(cm1, { status: "requested" })).rows.map((r) => r.id)).toContain(p2.id);
    // Not visible to the provider before the order.
    await expect(ownPurchase(provT, p2.id)).rejects.toBeInstanceOf(NotFoundError);
    // The home count shows what a person may approve: not the own request.
    const waitingForOthers = await purchasesAwaitingApproval(cm2);
    expect(await purchasesAwaitingApproval(cm1)).toBe(waitingForOthers - 1);
    // The requester cannot approve (four eyes); finance has no permission.
    await expect(approvePurchase(cm1, p2.id)).rejects.toThrow("Vier-Augen-Prinzip");
    await expect(approvePurchase(finance, p2.id)).rejects.toBeInstanceOf(ForbiddenError);
    const approved = await approvePurchase(cm2, p2.id);
    expect(approved.status).toBe("ordered");
    const d = await getPurchase(cm1, p2.id);
    expect(d.purchase.approvedBy).toBe(cm2.name);
    expect(d.history.map((h) => h.action)).toEqual(expect.arrayContaining(["purchase.request", "purchase.approve", "purchase.order", "purchase.order_document"]));
  });

  it("a refusal needs a reason, cancels the purchase and releases its commitments", async () => {
    const over = await makeMeasure({ priceCents: 2_000_000 });
    const p = await buy(cm1, over, await makeClient(), "2030-03-01");
    await expect(refusePurchase(cm2, p.id, "zu kurz")).rejects.toBeInstanceOf(RuleError);
    const refused = await refusePurchase(cm2, p.id, "Die Maßnahme passt nicht zum Ziel der Eingliederungsvereinbarung.");
    expect(refused.status).toBe("cancelled");
    const cs = await (await em()).getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p.id } });
    expect(cs.length).toBeGreaterThan(0);
    for (const c of cs) {
      expect(c.status).toBe("closed");
      expect(c.releasedCents).toBe(c.amountCents);
    }
    await expect(approvePurchase(cm2, p.id)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("fit", () => {
  it("age limit on the start date: the day before the 25th birthday is fine, the birthday is not", async () => {
    const measure = await makeMeasure({ maxAge: 24, typeCode: "youth" });
    const client = await makeClient({ birthDate: "2006-03-15" });
    expect((await check(measure, client, "2031-03-14")).problems).toEqual([]);
    const on = await check(measure, client, "2031-03-15");
    expect(on.problems).toEqual([`${client.reference} ist am 15.03.2031 25 Jahre alt; die Maßnahme ist für Teilnehmende bis 24 Jahre.`]);
    await expect(buy(cm1, measure, client, "2031-03-15")).rejects.toThrow("25 Jahre alt");
    expect((await buy(cm1, measure, client, "2031-03-14")).status).toBe("ordered");
  });

  it("overlapping participations by one day are refused; the day after is fine", async () => {
    const m1 = await makeMeasure({ duration: 2 });
    const m2 = await makeMeasure({ duration: 1 });
    const client = await makeClient();
    const first = await buy(cm1, m1, client, "2030-09-01");
    expect(first.endDate).toBe("2030-10-31");
    await expect(buy(cm1, m2, client, "2030-10-31")).rejects.toThrow(`nimmt vom 01.09.2030 bis 31.10.2030 an „${m1.title}“ (${first.reference}) teil`);
    expect((await buy(cm1, m2, client, "2030-11-01")).status).toBe("ordered");
  });

  it("certified measure: the AZAV approval on the start date (last valid day ok, next day refused) and the provider's certification", async () => {
    const m = await em();
    await m.getRepository(Certification).save({ providerId: providerT.id, certifyingBody: "CertQ", certificateNumber: "T-1", validFrom: "2029-01-01", validUntil: "2032-12-31", scope: "", changedAt: new Date().toISOString(), changedById: null } as Partial<Certification>);
    const measure = await makeMeasure({ origin: "certified", azavNumber: "AZ-7/2030", azavValidFrom: "2030-01-01", azavValidUntil: "2031-06-30" });
    const client = await makeClient();
    expect((await check(measure, client, "2031-06-30")).problems).toEqual([]);
    expect((await check(measure, client, "2031-07-01")).problems).toEqual(["Die Maßnahmezulassung AZ-7/2030 gilt am 01.07.2031 nicht (gültig 01.01.2030 bis 30.06.2031)."]);
    // Measure approval valid, provider certification ended.
    const later = await makeMeasure({ origin: "certified", azavNumber: "AZ-8/2030", azavValidFrom: "2030-01-01", azavValidUntil: "2034-12-31" });
    expect((await check(later, client, "2032-12-31")).problems).toEqual([]);
    expect((await check(later, client, "2033-01-01")).problems).toEqual(["Der Träger hat am 01.01.2033 keine gültige AZAV-Trägerzulassung."]);
    await expect(buy(cm1, later, client, "2033-01-01")).rejects.toThrow("keine gültige AZAV-Trägerzulassung");
  });

  it("fixed start dates: only a listed date; nothing is written on bad input", async () => {
    const measure = await makeMeasure({ entryMode: "dates", startDates: ["2030-08-01", "2031-02-01"] });
    const client = await makeClient();
    await expect(buy(cm1, measure, client, "2030-08-02")).rejects.toThrow("feste Starttermine");
    const bad = await buyPlace(cm1, { clientId: "", measureId: String(measure.id), startDate: "31.02.2030" }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad.fieldErrors).toMatchObject({ clientId: expect.any(String), startDate: expect.any(String) });
    expect(await (await em()).getRepository(PlacePurchase).count({ where: { measureId: measure.id } })).toBe(0);
    expect((await buy(cm1, measure, client, "01.08.2030")).startDate).toBe("2030-08-01");
  });
});

describe("commitments in every year (rule 11)", () => {
  it("a BaE place of 36 months from September spans four calendar years: four commitments summing to the estimate", async () => {
    const measure = await makeMeasure({ typeCode: "bae", duration: 36, priceModel: "place_month", priceCents: 100_000, capacity: 10 });
    const p = await buy(cm1, measure, await makeClient(), "2030-09-01");
    expect(p.endDate).toBe("2033-08-31");
    expect(p.estimatedCents).toBe(36 * 100_000);
    const cs = await (await em()).getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p.id }, order: { year: "ASC" } });
    expect(cs.map((c) => [c.year, c.amountCents])).toEqual([
      [2030, 400_000],
      [2031, 1_200_000],
      [2032, 1_200_000],
      [2033, 800_000],
    ]);
    expect(cs.reduce((a, c) => a + c.amountCents, 0)).toBe(p.estimatedCents);
  });

  it("a shortfall in the third year refuses everything and names that year", async () => {
    const measure = await makeMeasure({ typeCode: "bae", duration: 36, priceModel: "place_month", priceCents: 100_000, capacity: 10 });
    const client = await makeClient();
    await setYear(2032, 50_000);
    try {
      const err = await buy(cm1, measure, client, "2030-09-01").catch((e) => e);
      expect(err).toBeInstanceOf(RuleError);
      expect(err.message).toContain("2032");
      expect(err.message).toContain(LINE);
      expect(await (await em()).getRepository(PlacePurchase).count({ where: { measureId: measure.id } })).toBe(0);
      const check1 = await check(measure, client, "2030-09-01");
      expect(check1.line?.years.find((y) => y.year === 2032)?.enough).toBe(false);
    } finally {
      await setYear(2032, AMPLE);
    }
    expect((await buy(cm1, measure, client, "2030-09-01")).status).toBe("requested");
  });
});

describe("cancel", () => {
  it("releases the commitments before the start and is refused on the start date", async () => {
    const measure = await makeMeasure();
    const [a, b] = await Promise.all([makeClient(), makeClient()]);
    const early = await buy(cm1, measure, a, "2030-02-01");
    const onStart = await buy(cm1, measure, b, "2030-02-01");
    setClock("2030-01-31T10:00:00.000Z");
    try {
      await expect(cancelPurchase(cm1, early.id, "kurz")).rejects.toBeInstanceOf(RuleError);
      await cancelPurchase(cm1, early.id, "Der Kunde zieht nach Dresden.");
      const cs = await (await em()).getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: early.id } });
      expect(cs).toHaveLength(1);
      expect(cs[0].releasedCents).toBe(300_000);
      expect(cs[0].status).toBe("closed");
      setClock("2030-02-01T08:00:00.000Z");
      await expect(cancelPurchase(cm1, onStart.id, "Der Kunde zieht nach Dresden.")).rejects.toThrow("eine Stornierung ist nur vor Beginn möglich");
      expect((await getPurchase(cm1, onStart.id)).canCancel).toBe(false);
    } finally {
      setClock("2030-01-10T09:00:00.000Z");
    }
  });
});

describe("the provider", () => {
  it("confirms or declines its own orders; another provider gets 'not found'; a decline releases the commitments", async () => {
    const measure = await makeMeasure();
    const [a, b] = await Promise.all([makeClient(), makeClient()]);
    const p1 = await buy(cm1, measure, a, "2030-05-01");
    const p2 = await buy(cm1, measure, b, "2030-05-01");
    await expect(confirmPurchase(provO, p1.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(declinePurchase(provO, p1.id, "Kein Platz mehr vorhanden.")).rejects.toBeInstanceOf(NotFoundError);
    await expect(ownPurchase(provO, p1.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await confirmPurchase(provT, p1.id)).status).toBe("confirmed");
    await expect(confirmPurchase(provT, p1.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(declinePurchase(provT, p2.id, "")).rejects.toBeInstanceOf(RuleError);
    expect((await declinePurchase(provT, p2.id, "Die Gruppe ist bereits voll belegt.")).status).toBe("declined");
    const cs = await (await em()).getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p2.id } });
    expect(cs.every((c) => c.status === "closed" && c.releasedCents === c.amountCents)).toBe(true);
    // The requester is told.
    const mails = await (await em()).getRepository(OutboxMessage).find({ where: { subject: `Platzkauf ${p2.reference} vom Träger abgelehnt` } });
    expect(mails).toHaveLength(1);
    expect(mails[0].recipients).toContain(cm1.email);
    const own = await listOwnPurchases(provT, { status: "declined" });
    expect(own.rows.map((r) => r.id)).toContain(p2.id);
    expect((await listOwnPurchases(provO, {})).rows.map((r) => r.id)).not.toContain(p1.id);
  });

  it("sees no name without consent, the name with consent, and never benefit, household or health data", async () => {
    const measure = await makeMeasure();
    const anon = await makeClient();
    const named = await makeClient();
    const p1 = await buy(cm1, measure, anon, "2030-05-01");
    const p2 = await buy(cm1, measure, named, "2030-05-01", { consent: "on" });
    const v1 = await ownPurchase(provT, p1.id);
    const v2 = await ownPurchase(provT, p2.id);
    expect(v1.participant.client).toBe(anon.reference);
    expect(v1.participant.name).toBeNull();
    expect(v1.participant.contact).toBeNull();
    expect(v2.participant.name).toBe(`${named.firstName} ${named.lastName}`);
    expect(v2.participant.contact?.email).toBe(named.email);
    const text = JSON.stringify([v1, v2, await listOwnPurchases(provT, {})]);
    expect(text).not.toContain(anon.lastName);
    for (const marker of ["monthlyBenefit", "householdSize", "healthNotes", "Gesundheit-Marker-Qx71", "56300"]) expect(text).not.toContain(marker);
  });

  it("the order PDF is stored for the provider and readable by it only; the mail goes to its address without the client's name", async () => {
    const measure = await makeMeasure();
    const client = await makeClient();
    const p = await buy(cm1, measure, client, "2030-05-01");
    const stored = await (await em()).getRepository(PlacePurchase).findOneByOrFail({ id: p.id });
    expect(stored.orderDocumentId).not.toBeNull();
    const doc = await (await em()).getRepository(Document).findOneByOrFail({ id: stored.orderDocumentId! });
    expect(doc).toMatchObject({ entityType: "place-purchase", entityId: String(p.id), providerId: providerT.id, contentType: "application/pdf" });
    const res = await openDocument(provT, doc.id);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    await expect(openDocument(provO, doc.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await purchaseOrderDocument(provT, p.id)).toBe(doc.id);
    await expect(purchaseOrderDocument(provO, p.id)).rejects.toBeInstanceOf(NotFoundError);
    const mails = await (await em()).getRepository(OutboxMessage).find({ where: { subject: `Platzbestellung ${p.reference}: bitte bis 15.01.2030 beantworten` } });
    expect(mails).toHaveLength(1);
    expect(mails[0].recipients).toContain("bestellung@bildungswerk-test.example");
    expect(mails[0].body).toContain(client.reference);
    expect(mails[0].body).toContain(`/portal/purchases/${p.id}`);
    expect(mails[0].body).not.toContain(client.lastName);
    expect(mails[0].body).not.toContain(client.firstName);
    // The order PDF travels with the mail.
    expect(mails[0].attachmentDocumentId).toBe(doc.id);
    expect(mails[0].body).toContain("Den Bestellschein finden Sie im Anhang");
  });

  it("consent can be withdrawn and recorded again; a cancelled order is mailed to the provider", async () => {
    const measure = await makeMeasure();
    const client = await makeClient();
    const p = await buy(cm1, measure, client, "2030-05-01", { consent: "on" });
    expect((await ownPurchase(provT, p.id)).participant.name).toBe(`${client.firstName} ${client.lastName}`);
    await setPurchaseConsent(cm1, p.id, false);
    const withdrawn = await ownPurchase(provT, p.id);
    expect(withdrawn.participant.name).toBeNull();
    expect(withdrawn.participant.contact).toBeNull();
    await expect(setPurchaseConsent(cm1, p.id, false)).rejects.toBeInstanceOf(ConflictError);
    await expect(setPurchaseConsent(provT, p.id, true)).rejects.toBeInstanceOf(ForbiddenError);
    await setPurchaseConsent(cm1, p.id, true);
    expect((await ownPurchase(provT, p.id)).participant.name).toBe(`${client.firstName} ${client.lastName}`);
    await cancelPurchase(cm1, p.id, "Kunde hat eine Arbeit aufgenommen.");
    const mails = await (await em()).getRepository(OutboxMessage).find({ where: { subject: `Platzbestellung ${p.reference} storniert` } });
    expect(mails).toHaveLength(1);
    expect(mails[0].recipients).toContain("bestellung@bildungswerk-test.example");
    expect(mails[0].body).toContain("Kunde hat eine Arbeit aufgenommen.");
    expect(mails[0].body).not.toContain(client.lastName);
    // Ended: the consent stays as it was.
    await expect(setPurchaseConsent(cm1, p.id, false)).rejects.toBeInstanceOf(ConflictError);
  });

  it("an order whose PDF is missing gets it on demand", async () => {
    const measure = await makeMeasure();
    const p = await buy(cm1, measure, await makeClient(), "2030-05-01");
    await (await em()).getRepository(PlacePurchase).update({ id: p.id }, { orderDocumentId: null });
    const id = await purchaseOrderDocument(cm1, p.id);
    expect((await (await em()).getRepository(PlacePurchase).findOneByOrFail({ id: p.id })).orderDocumentId).toBe(id);
  });
});

describe("lists", () => {
  it("filters by status group, client reference and start; exports CSV", async () => {
    const measure = await makeMeasure({ typeCode: "fbw" });
    const client = await makeClient();
    const p = await buy(cm1, measure, client, "2031-01-15");
    const open = await listPurchases(cm1, { status: "open", client: client.reference, from: "01.01.2031", to: "31.01.2031" });
    expect(open.rows.map((r) => r.id)).toEqual([p.id]);
    expect((await listPurchases(cm1, { status: "ended", client: client.reference })).rows).toHaveLength(0);
    expect((await listPurchases(cm1, { type: "fbw" })).rows.every((r) => r.typeCode === "fbw")).toBe(true);
    const csv = await purchasesCsv(cm1, { client: client.reference });
    expect(csv).toContain(p.reference);
    expect(csv).toContain("15.01.2031");
    await expect(listPurchases(provT, {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("the three triggers that keep the totals exist (a table rebuild on SQLite would drop them silently)", async () => {
    const m = await em();
    const names = databaseKind() === "sqlite"
      ? (await m.query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'place_purchases' ORDER BY name`)).map((r: { name: string }) => r.name)
      : (await m.query(`SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'place_purchases'::regclass AND NOT tgisinternal ORDER BY tgname`)).map((r: { name: string }) => r.name);
    expect(names).toEqual(["trg_place_purchase_totals_delete", "trg_place_purchase_totals_insert", "trg_place_purchase_totals_update"]);
  });

  it("the totals kept per status by the database equal a count of the purchases after every kind of change; the list's count and sum agree with a count", async () => {
    type Row = [string, number, number];
    const direct = async (m: EntityManager): Promise<Row[]> =>
      (await m.query(`SELECT status, COUNT(*) AS n, COALESCE(SUM("estimatedCents"), 0) AS c FROM place_purchases GROUP BY status ORDER BY status`)).map((r: { status: string; n: unknown; c: unknown }) => [r.status, Number(r.n), Number(r.c)]);
    const kept = async (m: EntityManager): Promise<Row[]> =>
      (await m.getRepository(PlacePurchaseTotal).find({ order: { status: "ASC" } })).filter((t) => Number(t.purchases) !== 0).map((t) => [t.status, Number(t.purchases), t.estimatedCents]);
    const before = await direct(await em());
    expect(before.length).toBeGreaterThan(2); // the tests above left purchases in several states
    expect(await kept(await em())).toEqual(before);
    // Changes of every kind in one transaction: the totals follow inside it and go back with the rollback.
    await expect(
      tx(async (t) => {
        const repo = t.getRepository(PlacePurchase);
        const some = await repo.find({ order: { id: "ASC" }, take: 3 });
        await repo.update({ id: In(some.map((p) => p.id)) }, { status: "completed" }); // several rows, one statement
        await repo.update({ id: some[0].id }, { estimatedCents: some[0].estimatedCents + 12_345 });
        await repo.update({ id: some[1].id }, { statusReason: "nur ein Text" }); // neither status nor amount
        const { id: _id, ...copy } = some[2];
        const inserted = await repo.insert({ ...copy, reference: `${copy.reference.slice(0, 14)}-T`, status: "requested" });
        expect(await kept(t)).toEqual(await direct(t));
        await repo.delete({ id: inserted.identifiers[0].id });
        expect(await kept(t)).toEqual(await direct(t));
        throw new Error("zurückrollen");
      }),
    ).rejects.toThrow("zurückrollen");
    expect(await kept(await em())).toEqual(before);
    // The list: unfiltered and by status group from the totals, with other filters counted; the same figures either way.
    const sumOf = (rows: Row[], states?: readonly string[]) => rows.filter((r) => !states || states.includes(r[0])).reduce((a, r) => [a[0] + r[1], a[1] + r[2]], [0, 0]);
    const all = await listPurchases(cm1, {});
    expect([all.total, all.sumCents]).toEqual(sumOf(before));
    const open = await listPurchases(cm1, { status: "open" });
    expect([open.total, open.sumCents]).toEqual(sumOf(before, PURCHASE_GROUPS.open));
    const counts = await purchaseGroupCounts();
    expect([counts.requested, counts.open, counts.active, counts.ended]).toEqual([sumOf(before, ["requested"])[0], sumOf(before, PURCHASE_GROUPS.open)[0], sumOf(before, PURCHASE_GROUPS.active)[0], sumOf(before, PURCHASE_GROUPS.ended)[0]]);
    const withProvider = await listPurchases(cm1, { provider: all.rows[0] ? (await (await em()).getRepository(PlacePurchase).findOneByOrFail({ id: all.rows[0].id })).providerId! : 0 }, { all: true });
    expect(withProvider.total).toBe(withProvider.rows.length);
    expect(withProvider.sumCents).toBe(withProvider.rows.reduce((a, r) => a + r.estimatedCents, 0));
  });
});

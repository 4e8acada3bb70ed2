import { beforeAll, describe, expect, it } from "vitest";
import { Assignment, AuditEvent, Client, FeeInstalment, Measure, Outcome, PlacementClaim, PlacePurchase, Provider, User } from "../../entities";
import { ForbiddenError } from "~/domain/errors";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import type { PersonUser } from "~/services/auth.server";
import { ValidationError } from "~/domain/errors";
import { comparisonView, ownComparison, providerFigures } from "~/services/outcome-comparison.server";
import { createUser, updateUser } from "~/services/users.server";
import { saveSettings } from "~/services/settings-admin.server";
import { freshDatabase } from "../setup/db";
import { makeMeasure, participation } from "../setup/comparison-facts";

/**
 * The provider comparison from real rows (issue 12): facts written with the repositories, the
 * service's access rules, providerFigures' cut-off at `asOf`, and the provider's own view that
 * never names or shows another provider. Fixed dates in 2031 (no "today"), so it passes on any date.
 */

let seq = 0;
let providerA: Provider;
let providerB: Provider;
let admin: PersonUser;
let cmGranted: PersonUser;
let cmPlain: PersonUser;
let provUserA: PersonUser;
let provUserB: PersonUser;

async function makeUser(role: PersonUser["role"], providerId: number | null = null, comparisonAccess = false): Promise<PersonUser> {
  const n = ++seq;
  const at = new Date().toISOString();
  const u = await (await em()).getRepository(User).save({
    email: `c${n}-${role}@test.example`,
    name: `Person ${n}`,
    role,
    phone: null,
    providerId,
    passwordHash: "x",
    active: true,
    providerAdmin: false,
    comparisonAccess,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
    passwordChangedAt: at,
  } as Partial<User>);
  return { id: u.id, email: u.email, name: u.name, role, providerId, providerAdmin: false, ...(comparisonAccess ? { comparisonAccess: true } : {}) } as PersonUser;
}

async function makeProvider(name: string, kind = "training"): Promise<Provider> {
  const at = new Date().toISOString();
  const n = ++seq;
  return (await em()).getRepository(Provider).save({
    externalKey: null,
    kind,
    name,
    legalForm: "GmbH",
    street: "Weg 1",
    postalCode: "01917",
    city: "Kamenz",
    region: "Kamenz",
    vatId: null,
    email: `p${n}@test.example`,
    phone: "",
    serviceCategories: [],
    tradeRegistrationDate: null,
    active: true,
    createdAt: at,
    updatedAt: at,
  } as Partial<Provider>);
}

async function makeClient() {
  const n = ++seq;
  const at = new Date().toISOString();
  return (await em()).getRepository(Client).save({
    reference: `K-${String(n).padStart(8, "0")}`,
    firstName: "Vorname",
    lastName: `Name${n}`,
    birthDate: "1970-05-05",
    region: "Kamenz",
    targetGroups: [],
    qualification: "",
    unemployedSince: null,
    caseManagerId: null,
    createdAt: at,
    updatedAt: at,
  } as Partial<Client>);
}

/** An assignment to a broker; `claim`: an accepted placement (contract date, decided at) and whether instalment 2 was earned. */
async function assignment(providerId: number, issuedOn: string, claim: { contractDate: string; decidedAt: string; second: boolean } | null) {
  const m = await em();
  const n = ++seq;
  const at = new Date().toISOString();
  const client = await makeClient();
  const a = await m.getRepository(Assignment).save({
    reference: `VG-C-${String(n).padStart(6, "0")}`,
    clientId: client.id,
    providerId,
    agreementId: 1,
    legalBasis: "421g",
    issuedOn,
    validFrom: issuedOn,
    validUntil: "2031-12-31",
    region: "Kamenz",
    maxFeeCents: 200_000,
    status: claim ? "placed" : "issued",
    consentAt: at,
    consentRecordedById: null,
    consentWithdrawnAt: null,
    flag: "",
    createdById: admin.id,
    createdAt: at,
    updatedAt: at,
  } as Partial<Assignment>);
  if (!claim) return;
  const c = await m.getRepository(PlacementClaim).save({
    reference: `VN-C-${String(n).padStart(6, "0")}`,
    assignmentId: a.id,
    clientId: client.id,
    providerId,
    legalBasis: "421g",
    employerName: "Firma",
    employerStreet: "",
    employerPostalCode: "",
    employerCity: "",
    employerVatId: null,
    employerIban: null,
    employerManager: null,
    abroad: false,
    contractDate: claim.contractDate,
    jobStart: claim.contractDate,
    weeklyHours: 40,
    insured: true,
    fixedTermEnd: null,
    occupation: "Lager",
    brokerContractDate: null,
    jobOfferDate: null,
    claimedFeeCents: 200_000,
    status: "accepted",
    ruleResults: [],
    flagged: false,
    severeDisabilityException: false,
    channel: "portal",
    submittedAt: at,
    submittedById: null,
    submittedByApiTokenId: null,
    decidedAt: claim.decidedAt,
    decidedById: null,
    decisionNote: "",
    decisionDocumentId: null,
    employmentEndedOn: null,
    updatedAt: at,
  } as Partial<PlacementClaim>);
  for (const number of [1, 2])
    await m.getRepository(FeeInstalment).save({
      claimId: c.id,
      providerId,
      number,
      label: `Rate ${number}`,
      amountCents: 100_000,
      sameEmployer: true,
      earliestOn: claim.contractDate,
      deadlineOn: "2032-12-31",
      status: number === 1 || claim.second ? "earned" : "pending",
      confirmedUntil: null,
      dueAt: null,
      earnedAt: number === 1 || claim.second ? claim.decidedAt : null,
      certifiedAt: null,
      certifiedById: null,
      closedAt: null,
      closeReason: "",
      lastReminderOn: null,
      updatedAt: at,
    } as Partial<FeeInstalment>);
}

const QUERY = { line: "places", measure: "integration", period: "year", year: "2031" };

beforeAll(async () => {
  await freshDatabase();
  setClock("2032-03-01T09:00:00.000Z");
  admin = await makeUser("admin");
  providerA = await makeProvider("Alpha Bildung GmbH");
  providerB = await makeProvider("Beta Qualifizierung GmbH");
  cmGranted = await makeUser("case_manager", null, true);
  cmPlain = await makeUser("case_manager");
  provUserA = await makeUser("provider", providerA.id);
  provUserB = await makeUser("provider", providerB.id);
  const ma = await makeMeasure(providerA.id);
  const mb = await makeMeasure(providerB.id);
  // A: 12 exits, 6 integrated (one of them recorded late, see the asOf test), 2 without an outcome.
  for (let i = 0; i < 5; i++) await participation(ma, "2031-04-30", { status: "employment" });
  await participation(ma, "2031-04-30", { status: "training", recordedAt: "2031-12-05T08:00:01.000Z" });
  for (let i = 0; i < 4; i++) await participation(ma, "2031-04-30", { status: "none" });
  for (let i = 0; i < 2; i++) await participation(ma, "2031-04-30", null);
  // B: 7 exits, 3 integrated → 3/7 = 0,428571…
  for (let i = 0; i < 3; i++) await participation(mb, "2031-05-31", { status: "self_employment" });
  for (let i = 0; i < 3; i++) await participation(mb, "2031-05-31", { status: "none" });
  await participation(mb, "2031-03-15", null, "dropped_out");
  // 2030: A with 5 exits, C with 2 — A must not learn C's figures from the overall rate.
  const providerC = await makeProvider("Gamma Kurse e. K.");
  const mc = await makeMeasure(providerC.id);
  for (let i = 0; i < 5; i++) await participation(ma, "2030-06-30", { status: i < 2 ? "employment" : "none" }, "completed", "2030-03-01");
  for (let i = 0; i < 2; i++) await participation(mc, "2030-06-30", { status: "employment" }, "completed", "2030-03-01");
}, 120_000);

describe("providerFigures", () => {
  it("counts only what was recorded by asOf: an outcome recorded one second later is not counted", async () => {
    const q = { providerIds: [providerA.id, providerB.id], measure: "integration" as const, typeCode: null, from: "2031-01-01", to: "2031-12-31" };
    const before = await providerFigures({ ...q, asOf: "2031-12-05T08:00:00.000Z" });
    const after = await providerFigures({ ...q, asOf: "2031-12-05T08:00:01.000Z" });
    expect([before.get(providerA.id)!.k, before.get(providerA.id)!.n]).toEqual([5, 12]);
    expect([after.get(providerA.id)!.k, after.get(providerA.id)!.n]).toEqual([6, 12]);
    const b = after.get(providerB.id)!;
    expect([b.k, b.n, b.rate]).toEqual([3, 7, 3 / 7]);
    expect(b.overallRate).toBeCloseTo(9 / 19, 12);
    expect(b.low).not.toBeNull();
    expect(["regression", "strata"]).toContain(b.adjustment);
    expect(b.suppressed).toBe(false);
  });
  it("an exit counts only when its six months are over at asOf (Berlin day), and a provider without data is absent", async () => {
    const at = (asOf: string) => providerFigures({ providerIds: [providerA.id, providerB.id, 999999], measure: "integration", typeCode: null, from: "2031-01-01", to: "2031-12-31", asOf });
    // A's exits on 30.04.: six months end with 29.10., so they count from 30.10. (not yet at asOf 29.10. 23:59 Berlin).
    const lastDay = await at("2031-10-29T22:59:59.000Z");
    expect(lastDay.has(providerA.id)).toBe(false);
    expect(lastDay.get(providerB.id)!.n).toBe(1); // B's early exit on 15.03. (complete on 15.09.)
    const dayAfter = await at("2031-10-29T23:00:00.000Z"); // 30.10. 00:00 Berlin
    expect(dayAfter.get(providerA.id)!.n).toBe(12);
    // B's exits on 31.05.: no 31.11., the six months end with 30.11., they count from 01.12.
    expect((await at("2031-11-30T22:59:59.000Z")).get(providerB.id)!.n).toBe(1);
    expect((await at("2031-11-30T23:00:00.000Z")).get(providerB.id)!.n).toBe(7);
    expect(dayAfter.has(999999)).toBe(false);
  });
  it("an entry counts for the drop-out rate only once its planned end is past the data's day", async () => {
    const q = { providerIds: [providerB.id], measure: "dropout" as const, typeCode: null, from: "2031-01-01", to: "2031-12-31" };
    // B's seven entries are planned to end on 15.03. (the drop-out) and 31.05.
    expect((await providerFigures({ ...q, asOf: "2031-03-15T12:00:00.000Z" })).get(providerB.id)).toBeUndefined();
    const next = (await providerFigures({ ...q, asOf: "2031-03-16T12:00:00.000Z" })).get(providerB.id)!;
    expect([next.k, next.n]).toEqual([1, 1]);
    const june = (await providerFigures({ ...q, asOf: "2031-06-01T12:00:00.000Z" })).get(providerB.id)!;
    expect([june.k, june.n]).toEqual([1, 7]);
  });
  it("the drop-out rate counts entries of the period and early exits without integration", async () => {
    const figures = await providerFigures({ providerIds: [providerB.id], measure: "dropout", typeCode: null, from: "2031-01-01", to: "2031-12-31", asOf: "2032-01-01T00:00:00.000Z" });
    expect([figures.get(providerB.id)!.k, figures.get(providerB.id)!.n]).toEqual([1, 7]);
  });
});

describe("broker measures from assignments, claims and instalments", () => {
  it("counts placements decided by asOf, the median days and the share reaching instalment 2", async () => {
    const broker = await makeProvider("Delta Vermittlung", "broker");
    await assignment(broker.id, "2031-03-01", { contractDate: "2031-03-11", decidedAt: "2031-04-01T10:00:00.000Z", second: true });
    await assignment(broker.id, "2031-03-01", { contractDate: "2031-03-31", decidedAt: "2031-04-01T10:00:00.000Z", second: false });
    await assignment(broker.id, "2031-03-01", { contractDate: "2031-04-30", decidedAt: "2031-06-01T10:00:00.000Z", second: true });
    await assignment(broker.id, "2031-03-01", null);
    const q = { providerIds: [broker.id], typeCode: null, from: "2031-01-01", to: "2031-12-31" };
    const early = await providerFigures({ ...q, measure: "placement", asOf: "2031-06-01T09:59:59.000Z" });
    expect([early.get(broker.id)!.k, early.get(broker.id)!.n]).toEqual([2, 4]);
    const late = await providerFigures({ ...q, measure: "placement", asOf: "2031-12-31T00:00:00.000Z" });
    expect([late.get(broker.id)!.k, late.get(broker.id)!.n]).toEqual([3, 4]);
    const days = await providerFigures({ ...q, measure: "days_to_placement", asOf: "2031-12-31T00:00:00.000Z" });
    expect(days.get(broker.id)!.rate).toBe(30); // 10, 30, 60 days
    const second = await providerFigures({ ...q, measure: "second_instalment", asOf: "2031-12-31T00:00:00.000Z" });
    expect([second.get(broker.id)!.k, second.get(broker.id)!.n]).toEqual([2, 3]);
  });

  it("the count of contracts through brokers: shown for a calendar year over all regions (3), withheld at 2, not given for a region or a rolling period", async () => {
    const broker = await makeProvider("Epsilon Vermittlung", "broker");
    await assignment(broker.id, "2029-03-01", { contractDate: "2029-03-11", decidedAt: "2029-04-01T10:00:00.000Z", second: false });
    await assignment(broker.id, "2029-03-01", { contractDate: "2029-03-21", decidedAt: "2029-04-01T10:00:00.000Z", second: false });
    const year = { line: "brokers", measure: "placement", period: "year" };
    const y2031 = await comparisonView(cmGranted, { ...year, year: "2031" });
    expect([y2031.brokerContracts, y2031.brokerContractsWithheld]).toEqual([3, null]);
    const y2029 = await comparisonView(cmGranted, { ...year, year: "2029" });
    expect([y2029.brokerContracts, y2029.brokerContractsWithheld]).toEqual([null, "small"]);
    const region = await comparisonView(cmGranted, { ...year, year: "2031", region: "Kamenz" });
    expect(region.query.region).toBe("Kamenz");
    expect([region.brokerContracts, region.brokerContractsWithheld]).toEqual([null, "view"]);
    const rolling = await comparisonView(cmGranted, { line: "brokers", measure: "placement", period: "rolling12", end: "31.12.2031" });
    expect([rolling.brokerContracts, rolling.brokerContractsWithheld]).toEqual([null, "view"]);
  });
});

describe("who may see the comparison", () => {
  it("refuses a case manager without the grant, a provider, and an admin without the grant", async () => {
    await expect(comparisonView(cmPlain, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(comparisonView(provUserA, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(comparisonView(admin, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
  });
  it("shows a granted case manager every provider by name, with n and interval", async () => {
    const view = await comparisonView(cmGranted, QUERY);
    expect(view.errors).toEqual([]);
    expect(view.rows.map((r) => r.name)).toEqual(["Alpha Bildung GmbH", "Beta Qualifizierung GmbH"]);
    const a = view.rows[0].cells.integration!;
    expect([a.k, a.n]).toEqual([6, 12]);
    expect(view.overall.integration!.n).toBe(19);
    expect(view.funnel!.points.length).toBe(2);
  });
  it("perturbs the counts of a rolling period (multiples of 3, the same on every call) and keeps the calendar year exact", async () => {
    // The 12 months to 31.12.2031 hold the same exits as the calendar year 2031: A 6 of 12, B 3 of 7.
    const rolling = { line: "places", measure: "integration", period: "rolling12", end: "31.12.2031" };
    const view = await comparisonView(cmGranted, rolling);
    expect(view.errors).toEqual([]);
    const [a, b] = view.rows.map((r) => r.cells.integration!);
    // A's events and non-events are multiples of 3 already: unchanged. B's 4 non-events become 3 or 6.
    expect([a.k, a.n]).toEqual([6, 12]);
    expect(b.k).toBe(3);
    expect([6, 9]).toContain(b.n);
    expect(b.rate).toBeCloseTo(3 / b.n, 12);
    for (const c of [a, b, view.overall.integration!]) expect([c.k % 3, (c.n - c.k) % 3]).toEqual([0, 0]);
    const again = await comparisonView(cmGranted, rolling);
    expect(again.rows.map((r) => r.cells.integration)).toEqual(view.rows.map((r) => r.cells.integration));
    const year = await comparisonView(cmGranted, QUERY);
    expect([year.rows[1].cells.integration!.k, year.rows[1].cells.integration!.n]).toEqual([3, 7]);
  });
  it("answers bad filters with German messages instead of an error", async () => {
    const view = await comparisonView(cmGranted, { ...QUERY, year: "1800", type: "gibtsnicht" });
    expect(view.errors.join(" ")).toMatch(/keine Daten/);
    expect(view.errors.join(" ")).toMatch(/Maßnahmeart/);
    const abc = await comparisonView(cmGranted, { ...QUERY, year: "abc" });
    expect(abc.errors[0]).toMatch(/keine Jahreszahl/);
  });
  it("a provider's own view holds no name, id or figure of another provider", async () => {
    const own = await ownComparison(provUserA, QUERY);
    const text = JSON.stringify(own);
    expect(text).not.toContain("Beta Qualifizierung");
    expect(text).not.toContain("Alpha Bildung"); // not even its own name is needed
    expect(text).not.toContain('"providerId"');
    expect(text).not.toContain(String(3 / 7).slice(0, 8));
    expect(own.own.cells.integration!.n).toBe(12);
    // One other organisation only (B): the overall figure would give B's figures away, so it is withheld (with its limits).
    expect(own.overall.integration!.n).toBe(0);
    expect(own.overall.integration!.suppressed).toBe("secondary");
    expect(own.overall.integration!.rate).toBeNull();
    expect(own.limits).toBeNull();
    expect(own.position).toBeNull();
    await expect(ownComparison(cmGranted, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
  });
  it("gives a provider the overall rate only when it pools three other organisations, none dominating, rounded and without k and n", async () => {
    const others = await Promise.all(["Delta", "Epsilon", "Zeta"].map((n) => makeProvider(`${n} Lernen GmbH`)));
    const ma = await makeMeasure(providerA.id);
    for (let i = 0; i < 6; i++) await participation(ma, "2029-06-30", { status: i < 3 ? "employment" : "none" }, "completed", "2029-02-01");
    // 2029: three others with 4 of 7, 2 of 5 and 1 of 4 → overall with A: 10 of 22
    const plan = [[4, 7], [2, 5], [1, 4]];
    for (const [i, p] of others.entries()) {
      const mm = await makeMeasure(p.id);
      for (let j = 0; j < plan[i][1]; j++) await participation(mm, "2029-06-30", { status: j < plan[i][0] ? "employment" : "none" }, "completed", "2029-02-01");
    }
    const own = await ownComparison(provUserA, { ...QUERY, year: "2029" });
    expect(own.overall.integration!.rate).toBe(Math.round((10 / 22) * 1000) / 1000);
    expect([own.overall.integration!.k, own.overall.integration!.n]).toEqual([0, 0]);
    expect(own.limits).not.toBeNull();
    expect(own.position).not.toBeNull();
    expect(JSON.stringify(own)).not.toContain(String(10 / 22).slice(0, 6));
    expect(own.own.expectedRate).toBe(0.455);
    // 2028: the same three, but one holds 9 of the others' 11 cases (> 80 %): withheld.
    const counts = [9, 1, 1];
    for (const [i, p] of others.entries()) {
      const mm = await makeMeasure(p.id);
      for (let j = 0; j < counts[i]; j++) await participation(mm, "2028-06-30", { status: "employment" }, "completed", "2028-02-01");
    }
    for (let i = 0; i < 4; i++) await participation(ma, "2028-06-30", { status: "none" }, "completed", "2028-02-01");
    const dominated = await ownComparison(provUserA, { ...QUERY, year: "2028" });
    expect(dominated.overall.integration!.suppressed).toBe("secondary");
    expect(dominated.overall.integration!.rate).toBeNull();
  });
  it("hides the overall figure from a provider when the others' pooled figure would name their results (2027: three others with 0 of 2 each)", async () => {
    const others = await Promise.all(["Eta", "Theta", "Iota"].map((n) => makeProvider(`${n} Bildung GmbH`)));
    const ma = await makeMeasure(providerA.id);
    for (let i = 0; i < 10; i++) await participation(ma, "2027-06-30", { status: i < 5 ? "employment" : "none" }, "completed", "2027-02-01");
    for (const p of others) {
      const mm = await makeMeasure(p.id);
      for (let j = 0; j < 2; j++) await participation(mm, "2027-06-30", { status: "none" }, "completed", "2027-02-01");
    }
    // Staff: the three cells under 3 are withheld, and A's too (the three together are 0 of 6, which the total would
    // tell: group disclosure); the total 5 of 16 is shown.
    const view = await comparisonView(cmGranted, { ...QUERY, year: "2027" });
    expect(view.overall.integration!.suppressed).toBeNull();
    expect(view.rows.filter((r) => r.cells.integration!.suppressed === "small")).toHaveLength(3);
    expect(view.allSuppressed).toBe(true);
    // With the protection against subtracting one's own figure, the total goes too: A, knowing its own 5 of 10, would get the others' 0 of 6.
    await saveSettings(admin, { "comparison.insiderProtection": "1" });
    try {
      expect((await comparisonView(cmGranted, { ...QUERY, year: "2027" })).overall.integration!.suppressed).toBe("secondary");
    } finally {
      await saveSettings(admin, { "comparison.insiderProtection": "0" });
    }
    // A provider would read "all others: 0 %" and know that each of them placed no one: withheld.
    const own = await ownComparison(provUserA, { ...QUERY, year: "2027" });
    expect(own.overall.integration!.suppressed).toBe("secondary");
    expect(own.overall.integration!.rate).toBeNull();
  });
  it("hides the overall figure from a provider when the others are fewer than the minimum", async () => {
    const own = await ownComparison(provUserA, { ...QUERY, year: "2030" });
    expect([own.own.cells.integration!.k, own.own.cells.integration!.n]).toEqual([2, 5]);
    // All together 4 of 7: with A's own 2 of 5, C's 2 of 2 could be worked out.
    expect(own.overall.integration!.suppressed).toBe("secondary");
    expect(own.overall.integration!.rate).toBeNull();
    expect(own.limits).toBeNull();
    expect(JSON.stringify(own)).not.toMatch(/"n":7\b|0\.5714/);
    // Staff see C's cell suppressed as small (n = 2) and A's withheld ("gesperrt": 2 integrations of n = 5, k < 3); every cell is withheld.
    const view = await comparisonView(cmGranted, { ...QUERY, year: "2030" });
    expect(view.rows.map((r) => [r.name, r.cells.integration!.suppressed])).toEqual([
      ["Alpha Bildung GmbH", "secondary"],
      ["Gamma Kurse e. K.", "small"],
    ]);
    expect(view.allSuppressed).toBe(true);
    expect(view.overall.integration!.n).toBe(7);
  });
  it("withholds a rate of 100 % and one more cell by default (group disclosure), a third with the protection against subtracting one's own; with the setting at 0 the 100 % is shown", async () => {
    // 2025: A 8 of 8, and three others with 5 of 10, 6 of 12 and 4 of 9.
    const others = await Promise.all(["Kappa", "Lambda", "My"].map((n) => makeProvider(`${n} Schulung GmbH`)));
    const ma = await makeMeasure(providerA.id);
    for (let i = 0; i < 8; i++) await participation(ma, "2025-03-31", { status: "employment" }, "completed", "2025-01-15");
    const plan = [[5, 10], [6, 12], [4, 9]];
    for (const [i, p] of others.entries()) {
      const mm = await makeMeasure(p.id);
      for (let j = 0; j < plan[i][1]; j++) await participation(mm, "2025-03-31", { status: j < plan[i][0] ? "employment" : "none" }, "completed", "2025-01-15");
    }
    const q = { ...QUERY, year: "2025" };
    const on = await comparisonView(cmGranted, q);
    const byName = (v: typeof on) => Object.fromEntries(v.rows.map((r) => [r.name, r.cells.integration!]));
    expect(on.groupDisclosure).toBe(true);
    expect(byName(on)["Alpha Bildung GmbH"].suppressed).toBe("secondary");
    expect(byName(on)["Alpha Bildung GmbH"].rate).toBeNull();
    // 8 of 8 alone would follow from the total 23 of 39: the smallest further cell (My, 4 of 9) goes too, and the two together are 12 of 17.
    expect(byName(on)["My Schulung GmbH"].suppressed).toBe("secondary");
    expect([on.overall.integration!.k, on.overall.integration!.n]).toEqual([23, 39]);
    expect([byName(on)["Kappa Schulung GmbH"].k, byName(on)["Kappa Schulung GmbH"].n]).toEqual([5, 10]);
    // With the protection against subtracting one's own figure, Kappa (5 of 10) goes too: My would otherwise get Alpha's 8 of 8.
    await saveSettings(admin, { "comparison.insiderProtection": "1" });
    try {
      const inside = await comparisonView(cmGranted, q);
      expect(inside.insiderProtection).toBe(true);
      expect(["Alpha Bildung GmbH", "My Schulung GmbH", "Kappa Schulung GmbH"].map((name) => byName(inside)[name].suppressed)).toEqual(["secondary", "secondary", "secondary"]);
      expect([byName(inside)["Lambda Schulung GmbH"].k, byName(inside)["Lambda Schulung GmbH"].n]).toEqual([6, 12]);
    } finally {
      await saveSettings(admin, { "comparison.insiderProtection": "0" });
    }
    const own = await ownComparison(provUserA, q);
    expect([own.own.cells.integration!.k, own.own.cells.integration!.n]).toEqual([8, 8]); // its own figures stay
    await saveSettings(admin, { "comparison.groupDisclosure": "0" });
    try {
      const off = await comparisonView(cmGranted, q);
      expect(off.groupDisclosure).toBe(false);
      expect([byName(off)["Alpha Bildung GmbH"].k, byName(off)["Alpha Bildung GmbH"].n, byName(off)["Alpha Bildung GmbH"].suppressed]).toEqual([8, 8, null]);
      expect(byName(off)["My Schulung GmbH"].suppressed).toBeNull();
    } finally {
      await saveSettings(admin, { "comparison.groupDisclosure": "1" });
    }
    expect(byName(await comparisonView(cmGranted, q))["Alpha Bildung GmbH"].suppressed).toBe("secondary");
  });
});

describe("filters", () => {
  it("an unknown region gives a German message and shows all regions", async () => {
    const all = await comparisonView(cmGranted, QUERY);
    const view = await comparisonView(cmGranted, { ...QUERY, region: "Atlantis" });
    expect(view.errors).toContain("Die Region „Atlantis“ gibt es nicht. Gezeigt werden alle Regionen.");
    expect(view.query.region).toBeNull();
    expect(view.overall.integration!.n).toBe(all.overall.integration!.n);
    expect(view.brokerContracts).toBeNull();
  });

  it("the region filter offers the regions with records in the period; a known region without any stays chosen, with no figures", async () => {
    const empty = await makeMeasure(providerA.id);
    await (await em()).getRepository(Measure).update(empty.id, { region: "Bautzen" });
    const view = await comparisonView(cmGranted, QUERY);
    expect(view.options.regions).toEqual(["Kamenz"]);
    const bautzen = await comparisonView(cmGranted, { ...QUERY, region: "Bautzen" });
    expect(bautzen.errors).toEqual([]);
    expect(bautzen.query.region).toBe("Bautzen");
    expect(bautzen.options.regions).toEqual(["Bautzen", "Kamenz"]);
    expect(bautzen.overall.integration!.n).toBe(0);
    // A region as typed in another case or with spaces is the recorded one.
    const lower = await comparisonView(cmGranted, { ...QUERY, region: " kamenz " });
    expect(lower.errors).toEqual([]);
    expect(lower.query.region).toBe("Kamenz");
    expect(lower.overall.integration!.n).toBe(view.overall.integration!.n);
  });
});

describe("the admin grants the comparison", () => {
  it("records the change with before and after in the audit log; a provider user cannot get it", async () => {
    const adminUser = { ...admin, role: "admin" as const };
    const user = await createUser({ id: admin.id, label: admin.email }, { name: "Grete Vergabe", email: "grete@test.example", role: "procurement", providerId: null }, "ein-langes-Passwort-1");
    expect(user.comparisonAccess).toBe(false);
    await updateUser(adminUser, user.id, { name: "Grete Vergabe", email: "grete@test.example", role: "procurement", providerId: null, comparisonAccess: "1" });
    const m = await em();
    expect((await m.getRepository(User).findOneByOrFail({ id: user.id })).comparisonAccess).toBe(true);
    const entry = await m.getRepository(AuditEvent).findOneOrFail({ where: { action: "user.update", entityId: String(user.id) }, order: { seq: "DESC" } });
    expect(entry.summary).toMatch(/Trägervergleich freigegeben/);
    expect((entry.details as { before: { comparisonAccess: boolean }; after: { comparisonAccess: boolean } }).before.comparisonAccess).toBe(false);
    expect((entry.details as { after: { comparisonAccess: boolean } }).after.comparisonAccess).toBe(true);
    await expect(updateUser(adminUser, provUserA.id, { name: "P", email: provUserA.email, role: "provider", providerId: providerA.id, comparisonAccess: "1" })).rejects.toMatchObject({ fieldErrors: { comparisonAccess: expect.stringMatching(/Trägervergleich/) } });
  });

  it("an administrator cannot grant it to themself; a second administrator can", async () => {
    const m = await em();
    const self = await createUser({ id: admin.id, label: admin.email }, { name: "Anna Admin", email: "anna.admin@test.example", role: "admin", providerId: null }, "ein-langes-Passwort-1");
    const selfUser = { id: self.id, email: self.email, name: self.name, role: "admin" as const, providerId: null } as PersonUser;
    const form = (comparisonAccess: string | undefined) => ({ name: "Anna Admin", email: "anna.admin@test.example", role: "admin", providerId: null, ...(comparisonAccess ? { comparisonAccess } : {}) });
    const refused = await updateUser(selfUser, self.id, form("1")).then(
      () => null,
      (e: unknown) => e as ValidationError,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused!.fieldErrors.comparisonAccess).toMatch(/nicht selbst geben/);
    expect((await m.getRepository(User).findOneByOrFail({ id: self.id })).comparisonAccess).toBe(false);
    // Another admin grants it; afterwards saving one's own account unchanged (with the right) is fine.
    await updateUser({ ...admin, role: "admin" as const }, self.id, form("1"));
    expect((await m.getRepository(User).findOneByOrFail({ id: self.id })).comparisonAccess).toBe(true);
    await updateUser(selfUser, self.id, { ...form("1"), name: "Anna Admin-Neu" });
    expect((await m.getRepository(User).findOneByOrFail({ id: self.id })).name).toBe("Anna Admin-Neu");
    // Giving it up oneself is allowed.
    await updateUser(selfUser, self.id, { ...form(undefined), name: "Anna Admin-Neu" });
    expect((await m.getRepository(User).findOneByOrFail({ id: self.id })).comparisonAccess).toBe(false);
  });
});

import { freshDatabase } from "../setup/db";
import { brokerContractsInPeriod } from "~/services/outcome-comparison.server";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Assignment,
  AuditEvent,
  BankAccount,
  Certification,
  ClaimDocument,
  Client,
  ContactPerson,
  Document,
  EmploymentSpell,
  FeeInstalment,
  FeeSchedule,
  PaymentItem,
  PlacementAgreement,
  PlacementClaim,
  Provider,
} from "../../entities";
import { admissionProblem, periodsOverlap, type InstalmentRule, type LegalBasis } from "~/domain/placement";
import { checkPlacementRules, type RuleFacts, type RuleResult } from "~/domain/placement-rules";
import { addDays, berlinDate } from "~/domain/time";
import { verifyAuditChain } from "~/lib/audit.server";
import { now, nowIso, setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoPlacements, type DemoPlacementResult } from "~/demo/demo-placements.server";

/**
 * The placement demo set at scale 1: the 2007 report's figures (119 / 134 employment contracts
 * through brokers in 2006 / 2007, over 140 brokers with agreements), every stored rule result
 * reproducible with checkPlacementRules, money and bank data consistent, and DEMO-B-0001's
 * portal populated with today's work.
 */

const SETTINGS = { suspiciousEndWindowDays: 14, sameSpellWindowDays: 31 };

let result: DemoPlacementResult;
let seconds: number;
let today: string;

let providers: Provider[];
let claims: PlacementClaim[];
let assignments: Assignment[];
let instalments: FeeInstalment[];
let demoBroker: Provider;

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  today = berlinDate(now());
  await seedDemoData({ scale: 1 });
  const started = performance.now();
  result = await seedDemoPlacements({ scale: 1 });
  seconds = (performance.now() - started) / 1000;
  console.log(`seedDemoPlacements({ scale: 1 }): ${seconds.toFixed(2)} s`, result);

  const m = await em();
  providers = await m.getRepository(Provider).find({ where: { kind: "broker" } });
  claims = await m.getRepository(PlacementClaim).find({ order: { id: "ASC" } });
  assignments = await m.getRepository(Assignment).find({ order: { id: "ASC" } });
  instalments = await m.getRepository(FeeInstalment).find({ order: { id: "ASC" } });
  demoBroker = providers.find((p) => p.externalKey === "DEMO-B-0001")!;
}, 300000);

const year = (d: string) => Number(d.slice(0, 4));
const countBy = <T>(list: T[], key: (x: T) => string | number) => {
  const out = new Map<string | number, number>();
  for (const x of list) out.set(key(x), (out.get(key(x)) ?? 0) + 1);
  return out;
};

describe("seedDemoPlacements: counts", () => {
  it("returns the counts, seeds in reasonable time and refuses to seed twice", async () => {
    expect(result.clients).toBeGreaterThanOrEqual(8500);
    expect(result.assignments).toBe(assignments.length);
    expect(result.claims).toBe(claims.length);
    expect(result.instalments).toBe(instalments.length);
    expect(result.agreements).toBe(await (await em()).getRepository(PlacementAgreement).count());
    expect(seconds).toBeLessThan(60);
    expect(await seedDemoPlacements({ scale: 1 })).toEqual({ agreements: 0, clients: 0, assignments: 0, claims: 0, instalments: 0 });
  });

  it("reproduces the report: 119 accepted placements in 2006 and 134 in 2007 (by contract date)", () => {
    const accepted = countBy(
      claims.filter((c) => c.status === "accepted"),
      (c) => year(c.contractDate),
    );
    expect(accepted.get(2006)).toBe(119);
    expect(accepted.get(2007)).toBe(134);
    expect(accepted.get(2005)).toBeGreaterThan(40);
    expect(accepted.get(2008)).toBeGreaterThan(120);
  });

  it("the comparison's brokers line shows the report's figure: contracts by contract date, decided by the data date (one COUNT)", async () => {
    const m = await em();
    const asOf = nowIso();
    expect(await brokerContractsInPeriod(m, { from: "2007-01-01", to: "2007-12-31", asOf, region: null })).toBe(134);
    expect(await brokerContractsInPeriod(m, { from: "2006-01-01", to: "2006-12-31", asOf, region: null })).toBe(119);
    // The data date counts: before any 2007 decision nothing of 2007 is counted.
    expect(await brokerContractsInPeriod(m, { from: "2007-01-01", to: "2007-12-31", asOf: "2007-01-01T00:00:00.000Z", region: null })).toBe(0);
    // Per region the counts add up to the total.
    const regions = [...new Set(assignments.map((a) => a.region))];
    let sum = 0;
    for (const region of regions) sum += await brokerContractsInPeriod(m, { from: "2007-01-01", to: "2007-12-31", asOf, region });
    expect(sum).toBe(134);
  });

  it("the client list's quick-filter counts (from the assignments) equal the list's own filters, also at an assignment's warning and end days", async () => {
    const { clientVoucherCounts, listClients } = await import("~/services/clients.server");
    const { User } = await import("../../entities");
    const u = await (await em()).getRepository(User).findOneByOrFail({ email: "fallmanagement@asz-kamenz.example" });
    const cm = { id: u.id, email: u.email, name: u.name, role: u.role as "case_manager", providerId: null };
    const running = assignments.filter((a) => a.status === "active" && a.validFrom <= today && a.validUntil >= today).sort((a, b) => (a.validUntil < b.validUntil ? -1 : 1))[0];
    expect(running).toBeTruthy();
    try {
      // Today; the last day before the warning window reaches the assignment (15 days before its end); the first inside it (14); its last day; the day after.
      for (const day of [today, addDays(running.validUntil, -15), addDays(running.validUntil, -14), running.validUntil, addDays(running.validUntil, 1)]) {
        setClock(`${day}T09:00:00.000Z`);
        const counts = await clientVoucherCounts(cm);
        const none = (await listClients(cm, { voucher: "none", pageSize: 1 })).total;
        const expiring = (await listClients(cm, { voucher: "expiring", pageSize: 1 })).total;
        expect({ day, ...counts }).toEqual({ day, withoutVoucher: none, expiring });
      }
      expect((await clientVoucherCounts(cm)).withoutVoucher).toBeGreaterThan(0);
    } finally {
      setClock(`${today}T09:00:00.000Z`);
    }
  });

  it("has agreements with over 140 brokers in 2007, expired and under § 421g", async () => {
    const agreements = await (await em()).getRepository(PlacementAgreement).find();
    const in2007 = agreements.filter((a) => a.validFrom <= "2007-12-31" && a.validUntil >= "2007-01-01");
    expect(new Set(in2007.map((a) => a.providerId)).size).toBeGreaterThanOrEqual(140);
    expect(in2007.every((a) => a.status === "expired" && a.legalBasis === "voucher_421g" && a.acceptedAt && a.acceptedByName)).toBe(true);
    expect(in2007.every((a) => /^VV-2007-\d{4}$/.test(a.reference))).toBe(true);
  });

  it("issues about 3,000 vouchers a year and about 300 claims a year", () => {
    const issued = countBy(assignments, (a) => year(a.issuedOn));
    for (const y of [2006, 2007]) {
      expect(issued.get(y)).toBeGreaterThanOrEqual(2700);
      expect(issued.get(y)).toBeLessThanOrEqual(3300);
    }
    const submitted = countBy(claims, (c) => Number(c.reference.slice(3, 7)));
    for (const y of [2006, 2007]) {
      expect(submitted.get(y)).toBeGreaterThanOrEqual(250);
      expect(submitted.get(y)).toBeLessThanOrEqual(350);
    }
    // References are numbered per year without gaps.
    for (const [prefix, list] of [
      ["VG", assignments.map((a) => a.reference)],
      ["VN", claims.map((c) => c.reference)],
    ] as const) {
      const perYear = new Map<string, number[]>();
      for (const ref of list) {
        const [p, y, n] = ref.split("-");
        expect(p).toBe(prefix);
        perYear.set(y, [...(perYear.get(y) ?? []), Number(n)]);
      }
      for (const numbers of perYear.values()) expect([...numbers].sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i + 1));
    }
  });

  it("rejects a realistic share (about 35–45 %) of the historic claims", () => {
    const historic = claims.filter((c) => year(c.contractDate) <= 2008);
    const share = historic.filter((c) => c.status === "rejected").length / historic.length;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.46);
  });
});

describe("seedDemoPlacements: rule consistency", () => {
  it("stores reproducible rule results: rejected claims have an error (or a confirmed intertwining), accepted claims none", async () => {
    const m = await em();
    const brokerFacts = new Map<number, RuleFacts["broker"]>();
    const accounts = await m.getRepository(BankAccount).find();
    const contacts = await m.getRepository(ContactPerson).find({ order: { id: "ASC" } });
    const certs = await m.getRepository(Certification).find();
    for (const p of providers)
      brokerFacts.set(p.id, {
        id: p.id,
        name: p.name,
        street: p.street,
        postalCode: p.postalCode,
        vatId: p.vatId,
        ibans: accounts.filter((a) => a.providerId === p.id).map((a) => a.iban),
        managers: contacts.filter((c) => c.providerId === p.id).map((c) => c.name),
        tradeRegistrationDate: p.tradeRegistrationDate,
        certifications: certs.filter((c) => c.providerId === p.id).map((c) => ({ validFrom: c.validFrom, validUntil: c.validUntil })),
      });
    const schedules = await m.getRepository(FeeSchedule).find();
    const firstInstalment = new Map<string, InstalmentRule>(schedules.map((s) => [s.legalBasis, [...(s.instalments as InstalmentRule[])].sort((a, b) => a.number - b.number)[0]]));
    const spells = await m.getRepository(EmploymentSpell).find();
    const spellsOf = new Map<number, EmploymentSpell[]>();
    for (const s of spells) spellsOf.set(s.clientId, [...(spellsOf.get(s.clientId) ?? []), s]);
    const assignmentById = new Map(assignments.map((a) => [a.id, a]));
    const assignmentsOf = new Map<number, Assignment[]>();
    for (const a of assignments) assignmentsOf.set(a.clientId, [...(assignmentsOf.get(a.clientId) ?? []), a]);
    const claimsOf = new Map<number, PlacementClaim[]>();
    for (const c of claims) claimsOf.set(c.clientId, [...(claimsOf.get(c.clientId) ?? []), c]);

    const errorCodes = (list: RuleResult[]) => list.filter((r) => r.severity === "error").map((r) => r.code).join(",");
    let rechecked = 0;
    for (const c of claims) {
      const a = assignmentById.get(c.assignmentId)!;
      const facts: RuleFacts = {
        claim: c,
        broker: brokerFacts.get(c.providerId)!,
        assignment: { id: a.id, providerId: a.providerId, legalBasis: a.legalBasis as LegalBasis, issuedOn: a.issuedOn, validFrom: a.validFrom, validUntil: a.validUntil, maxFeeCents: a.maxFeeCents },
        history: (spellsOf.get(c.clientId) ?? []).map((s) => ({ employerName: s.employerName, from: s.fromDate, to: s.toDate, insured: s.insured })),
        severeDisabilityException: c.severeDisabilityException,
        otherClaims: (claimsOf.get(c.clientId) ?? [])
          .filter((o) => o.id !== c.id)
          .map((o) => ({ id: o.id, reference: o.reference, providerId: o.providerId, assignmentId: o.assignmentId, status: o.status, employerName: o.employerName, jobStart: o.jobStart })),
        otherBrokerAssignments: (assignmentsOf.get(c.clientId) ?? [])
          .filter((o) => o.id !== a.id && o.providerId !== a.providerId && periodsOverlap(o, a))
          .map((o) => ({ reference: o.reference, providerId: o.providerId })),
        firstInstalment: firstInstalment.get(a.legalBasis)!,
        submittedOn: berlinDate(c.submittedAt),
        settings: SETTINGS,
      };
      const results = checkPlacementRules(facts);
      const stored = c.ruleResults as RuleResult[];
      expect(errorCodes(results), c.reference).toBe(errorCodes(stored));
      expect(c.flagged, c.reference).toBe(stored.some((r) => r.severity === "flag"));
      if (c.status === "accepted") expect(results.filter((r) => r.severity === "error"), c.reference).toEqual([]);
      if (c.status === "accepted" && c.flagged) expect(c.decisionNote.length, c.reference).toBeGreaterThanOrEqual(10);
      if (c.status === "rejected") {
        const hasError = stored.some((r) => r.severity === "error");
        if (!hasError) expect(c.flagged && c.decisionNote.includes("B 7a AL 56/05 R"), c.reference).toBe(true);
        expect(c.decidedAt && c.decidedById && c.decisionNote.length >= 10, c.reference).toBeTruthy();
      }
      expect(c.claimedFeeCents).toBeLessThanOrEqual(a.maxFeeCents);
      rechecked++;
    }
    expect(rechecked).toBe(claims.length);
    // Rejected for an error: by far the most of the rejections.
    const rejected = claims.filter((c) => c.status === "rejected");
    expect(rejected.filter((c) => (c.ruleResults as RuleResult[]).some((r) => r.severity === "error")).length / rejected.length).toBeGreaterThan(0.85);
    // Each defect type of the brief occurs.
    const codes = new Set(claims.flatMap((c) => (c.ruleResults as RuleResult[]).map((r) => r.code)));
    for (const code of ["R1-contract-date", "R1-issued-after-start", "R2-hours", "R2-insured", "R3-fixed-term", "R4-previous-employer", "R5-address", "R5-iban", "R5-manager", "R6-broker-contract", "R9-second-broker", "R10-exclusion-period"])
      expect(codes.has(code), code).toBe(true);
  });

  it("never lets the instalments exceed the claimed fee, and only accepted claims have instalments", () => {
    const byClaim = new Map<number, FeeInstalment[]>();
    for (const i of instalments) byClaim.set(i.claimId, [...(byClaim.get(i.claimId) ?? []), i]);
    for (const c of claims) {
      const list = byClaim.get(c.id) ?? [];
      if (c.status !== "accepted") {
        expect(list, c.reference).toEqual([]);
        continue;
      }
      expect(list.map((i) => i.number).sort()).toEqual([1, 2]);
      expect(list.reduce((s, i) => s + i.amountCents, 0)).toBeLessThanOrEqual(c.claimedFeeCents);
      for (const i of list) {
        if (i.status === "pending") expect(today < i.earliestOn, c.reference).toBe(true);
        if (["due", "earned", "payable", "paid", "lapsed"].includes(i.status)) expect(i.earliestOn <= today && i.dueAt, c.reference).toBeTruthy();
        if (["earned", "payable", "paid"].includes(i.status)) expect(i.confirmedUntil! >= i.earliestOn && i.earnedAt, c.reference).toBeTruthy();
        if (i.status === "cancelled") expect(c.employmentEndedOn && c.employmentEndedOn < i.earliestOn, c.reference).toBeTruthy();
      }
    }
    const second = instalments.filter((i) => i.number === 2 && i.earliestOn < "2010-01-01");
    const paidShare = second.filter((i) => i.status === "paid").length / second.length;
    expect(paidShare).toBeGreaterThan(0.6);
    expect(paidShare).toBeLessThan(0.8);
  });

  it("never has overlapping assignments of one client at two brokers", () => {
    const byClient = new Map<number, Assignment[]>();
    for (const a of assignments) byClient.set(a.clientId, [...(byClient.get(a.clientId) ?? []), a]);
    let overlaps = 0;
    for (const list of byClient.values())
      for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (list[i].providerId !== list[j].providerId && periodsOverlap(list[i], list[j])) overlaps++;
    expect(overlaps).toBe(0);
    const active = assignments.filter((a) => a.status === "active");
    expect(active.every((a) => a.validUntil >= today && a.legalBasis === "avgs_45")).toBe(true);
  });

  it("pays every instalment to the broker's current bank account", async () => {
    const m = await em();
    const items = await m.getRepository(PaymentItem).find();
    const accounts = await m.getRepository(BankAccount).find({ where: { current: true } });
    const byInstalment = new Map(instalments.map((i) => [i.id, i]));
    const payableOrPaid = instalments.filter((i) => i.status === "payable" || i.status === "paid");
    expect(items.length).toBe(payableOrPaid.length);
    for (const item of items) {
      const account = accounts.find((a) => a.providerId === item.providerId)!;
      expect(item.iban).toBe(account.iban);
      expect(item.bankAccountId).toBe(account.id);
      const instalment = byInstalment.get(item.instalmentId!)!;
      expect(item.amountCents).toBe(instalment.amountCents);
      // The certification is the factual check; paid items have all three signatures' outcome.
      expect(item.status).toBe(instalment.status === "paid" ? "paid" : "awaiting_arithmetic");
      expect(item.factualById).not.toBeNull();
      expect(item.purpose).toMatch(/^Vermittlungsverguetung VN-\d{4}-\d{5} [12]\. Rate$/);
    }
  });
});

describe("seedDemoPlacements: today's work", () => {
  it("admits every broker with an active or offered current agreement, about ten expiring soon", async () => {
    const m = await em();
    const current = await m.getRepository(PlacementAgreement).find({ where: { legalBasis: "avgs_45" } });
    const certs = await m.getRepository(Certification).find();
    for (const a of current.filter((x) => x.status === "active" || x.status === "offered")) {
      const p = providers.find((x) => x.id === a.providerId)!;
      const problem = admissionProblem("avgs_45", { ...p, certifications: certs.filter((c) => c.providerId === p.id) }, today);
      expect(problem, a.reference).toBeNull();
    }
    const active = current.filter((a) => a.status === "active");
    expect(active.length).toBeGreaterThan(100);
    expect(active.every((a) => a.validFrom <= today && a.validUntil >= today && a.validFrom >= addDays(today, -335))).toBe(true);
    const expiring = active.filter((a) => a.validUntil <= addDays(today, 60));
    expect(expiring.length).toBeGreaterThanOrEqual(8);
    expect(expiring.length).toBeLessThanOrEqual(12);
    expect(current.filter((a) => a.status === "offered").length).toBeGreaterThanOrEqual(3);
    expect(current.filter((a) => a.status === "suspended" && a.statusReason.length > 10).length).toBeGreaterThanOrEqual(1);
    expect(current.filter((a) => a.status === "terminated" && a.statusReason.length > 10).length).toBeGreaterThanOrEqual(1);
  });

  it("gives DEMO-B-0001 a living portal", async () => {
    const m = await em();
    const agreements = await m.getRepository(PlacementAgreement).find({ where: { providerId: demoBroker.id } });
    expect(agreements.some((a) => a.legalBasis === "avgs_45" && a.status === "active" && a.validFrom <= today && a.validUntil > addDays(today, 60))).toBe(true);
    expect(agreements.some((a) => a.status === "expired" && a.validFrom.startsWith("2007"))).toBe(true);

    const active = assignments.filter((a) => a.providerId === demoBroker.id && a.status === "active" && a.validUntil >= today);
    expect(active.length).toBeGreaterThanOrEqual(14);
    expect(active.length).toBeLessThanOrEqual(18);
    expect(active.filter((a) => a.consentAt).length).toBeGreaterThanOrEqual(11);
    expect(active.filter((a) => a.consentAt).every((a) => a.consentRecordedById)).toBe(true);

    const current = claims.filter((c) => c.providerId === demoBroker.id && c.legalBasis === "avgs_45");
    const submitted = current.filter((c) => c.status === "submitted");
    expect(submitted.some((c) => !c.flagged)).toBe(true);
    expect(submitted.some((c) => c.flagged)).toBe(true);
    const rejected = current.filter((c) => c.status === "rejected");
    expect(rejected.some((c) => (c.ruleResults as RuleResult[]).some((r) => r.code === "R2-hours") && c.weeklyHours < 1500)).toBe(true);

    const instOf = (c: PlacementClaim, n: number) => instalments.find((i) => i.claimId === c.id && i.number === n)!;
    const accepted = current.filter((c) => c.status === "accepted");
    expect(accepted.some((c) => instOf(c, 1).status === "due" && c.jobStart < addDays(today, -42))).toBe(true);
    expect(accepted.some((c) => instOf(c, 1).status === "payable" && instOf(c, 2).status === "pending")).toBe(true);

    // Documents of today's claims belong to the broker (so the portal may show them).
    const docs = await m.getRepository(ClaimDocument).find();
    const documents = await m.getRepository(Document).find();
    for (const c of submitted) {
      const kinds = docs.filter((d) => d.claimId === c.id).map((d) => d.kind);
      expect(kinds).toEqual(expect.arrayContaining(["employment_contract", "employer_confirmation"]));
    }
    for (const d of docs) {
      const claim = claims.find((c) => c.id === d.claimId)!;
      expect(documents.find((x) => x.id === d.documentId)!.providerId).toBe(claim.providerId);
    }
  });

  it("waits for review: submitted claims across brokers, some flagged, all with documents", async () => {
    const submitted = claims.filter((c) => c.status === "submitted");
    expect(submitted.length).toBeGreaterThanOrEqual(10);
    expect(submitted.filter((c) => c.flagged).length).toBeGreaterThanOrEqual(3);
    expect(claims.filter((c) => c.status === "documents_requested").length).toBeGreaterThanOrEqual(2);
    const docs = await (await em()).getRepository(ClaimDocument).find();
    for (const c of submitted) expect(docs.filter((d) => d.claimId === c.id).length).toBeGreaterThanOrEqual(2);
  });
});

describe("seedDemoPlacements: audit and personal data", () => {
  it("keeps internal client data and writes one audit event without personal data; the chain verifies", async () => {
    const m = await em();
    const clients = await m.getRepository(Client).find({ take: 2000 });
    expect(clients.some((c) => c.monthlyBenefitCents !== null && c.householdSize !== null)).toBe(true);
    expect(clients.filter((c) => c.targetGroups.includes("long_term_unemployed")).length / clients.length).toBeGreaterThan(0.3);
    const events = await m.getRepository(AuditEvent).find({ where: { action: "demo.placements" } });
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e.summary).toMatch(/^Demodaten Vermittlung angelegt: \d+ Vereinbarungen, \d+ Kunden, \d+ Zuweisungen, \d+ Vermittlungsnachweise, \d+ Raten/);
    expect(e.details).toMatchObject({ clients: result.clients, claims: result.claims, assignments: result.assignments });
    const text = JSON.stringify(e);
    for (const c of clients.slice(0, 200)) expect(text.includes(c.reference)).toBe(false);
    const chain = await verifyAuditChain(m);
    expect(chain.ok).toBe(true);
  });
});

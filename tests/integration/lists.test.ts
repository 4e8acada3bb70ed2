import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { Assignment, Client, PaymentItem, PlacementAgreement, User } from "../../entities";
import { parseListQuery } from "~/domain/list";
import { CLAIM_LIST, CLIENT_LIST, OWN_AGREEMENT_LIST, OWN_ASSIGNMENT_LIST, VOUCHER_WARNING_DAYS } from "~/domain/list-specs";
import { addDays, formatDate } from "~/domain/time";
import { setClock, today } from "~/lib/clock.server";
import { em } from "../setup/db";
import type { PersonUser } from "~/services/auth.server";
import { listClients, listOwnAssignments } from "~/services/clients.server";
import { homeFor, navigationFor } from "~/services/dashboard.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoPlacements } from "~/demo/demo-placements.server";
import { ownFigures } from "~/services/instalments.server";
import { listPaymentItems, paymentItemsCsv } from "~/services/payment-items.server";
import { agreementsCsv, listAgreements, ownAgreements } from "~/services/placement-agreements.server";
import { claimsCsv, listClaims } from "~/services/placement-claims.server";

/** The list pages open on what is current, filter what people need, and each role lands on its work. */

let caseManager: PersonUser;
let finance: PersonUser;
let broker: PersonUser;
let trainer: PersonUser;
let broker2: PersonUser;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

const nonIncreasing = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1] >= x);

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  await seedDemoPlacements({ scale: 0.1 });
  caseManager = await currentUser("fallmanagement@asz-kamenz.example");
  finance = await currentUser("kasse@asz-kamenz.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  trainer = await currentUser("traeger@bildungswerk-lausitz.example");
  broker2 = await currentUser("angebote@demo-b-0002.example");
}, 300_000);

describe("default order: current first", () => {
  it("agreements open on the latest end date, not on 2005", async () => {
    const all = await listAgreements(caseManager, {}, { all: true });
    expect(all.total).toBeGreaterThan(25);
    const first = await listAgreements(caseManager, parseListQuery(new URLSearchParams(""), (await import("~/domain/list-specs")).AGREEMENT_LIST));
    expect(first.sort).toBe("validUntil");
    expect(first.dir).toBe("desc");
    expect(nonIncreasing(first.rows.map((r) => r.validUntil))).toBe(true);
    const latest = all.rows.map((r) => r.validUntil).sort().at(-1);
    expect(first.rows[0].validUntil).toBe(latest);
    // The last page holds the oldest.
    const last = await listAgreements(caseManager, { page: first.pages });
    const oldest = all.rows.map((r) => r.validUntil).sort()[0];
    expect(last.rows.at(-1)!.validUntil).toBe(oldest);
  });

  it("claims open on the newest receipt; 'waiting for a decision' lists the oldest waiting first", async () => {
    const first = await listClaims(caseManager, parseListQuery(new URLSearchParams(""), CLAIM_LIST));
    expect(first.total).toBeGreaterThan(0);
    expect(nonIncreasing(first.rows.map((r) => r.submittedAt))).toBe(true);
    const waiting = await listClaims(caseManager, parseListQuery(new URLSearchParams("status=submitted&sort=submittedAt&dir=asc"), CLAIM_LIST));
    for (const r of waiting.rows) expect(r.status).toBe("submitted");
    const times = waiting.rows.map((r) => r.submittedAt);
    expect(times).toEqual([...times].sort());
  });

  it("a sort column not on the whitelist falls back to the default order", async () => {
    const q = parseListQuery(new URLSearchParams("sort=ruleResults&dir=asc"), CLAIM_LIST);
    expect(q.sort).toBe("submittedAt");
    const r = await listClaims(caseManager, q);
    expect(r.sort).toBe("submittedAt");
  });
});

describe("clients by voucher (assignment) validity", () => {
  it("'none', 'valid' and 'expiring' match the assignments valid today, computed independently", async () => {
    const m = await em();
    const day = today();
    const warn = addDays(day, VOUCHER_WARNING_DAYS);
    const [clients, assignments] = await Promise.all([m.getRepository(Client).find(), m.getRepository(Assignment).find({ where: { status: "active" } })]);
    const validNow = assignments.filter((a) => a.validFrom <= day && a.validUntil >= day);
    const withValid = new Set(validNow.map((a) => a.clientId));
    const lastEnd = new Map<number, string>();
    for (const a of validNow) if ((lastEnd.get(a.clientId) ?? "") < a.validUntil) lastEnd.set(a.clientId, a.validUntil);
    const expiring = new Set([...lastEnd].filter(([, until]) => until <= warn).map(([id]) => id));

    const ids = async (voucher: string) => new Set((await listClients(caseManager, { ...parseListQuery(new URLSearchParams(`voucher=${voucher}`), CLIENT_LIST), pageSize: 200 })).rows.map((r) => r.id));
    const total = (voucher: string) => listClients(caseManager, { voucher, pageSize: 1 }).then((r) => r.total);
    expect(await total("valid")).toBe(withValid.size);
    expect(await total("none")).toBe(clients.length - withValid.size);
    expect(await total("expiring")).toBe(expiring.size);
    expect(withValid.size).toBeGreaterThan(0);
    if (expiring.size <= 200) expect(await ids("expiring")).toEqual(expiring);
  });

  it("newest clients first by default", async () => {
    const r = await listClients(caseManager, parseListQuery(new URLSearchParams(""), CLIENT_LIST));
    expect(r.sort).toBe("createdAt");
    const m = await em();
    const created = new Map((await m.getRepository(Client).find()).map((c) => [c.id, c.createdAt]));
    expect(nonIncreasing(r.rows.map((x) => created.get(x.id)!))).toBe(true);
  });
});

describe("payment items CSV", () => {
  it("lists the selection with Berlin dates and German amounts", async () => {
    const m = await em();
    const some = await m.getRepository(PaymentItem).findOne({ where: {}, order: { id: "ASC" } });
    expect(some, "the demo data has payment items").not.toBeNull();
    const item = some!;
    await m.getRepository(PaymentItem).update({ id: item.id }, { purpose: "Zeitzonenprobe", dueOn: "2026-01-15" });
    const csv = await paymentItemsCsv(finance, { q: "Zeitzonenprobe" });
    const line = csv.split("\r\n").find((l) => l.startsWith(`${item.reference};`))!;
    expect(line).toContain(`;${formatDate("2026-01-15")};`);
    expect(line).toContain(`;${(item.amountCents / 100).toFixed(2).replace(".", ",")};`);
    const listed = await listPaymentItems(finance, { q: "Zeitzonenprobe" });
    expect(listed.rows.map((r) => r.id)).toEqual([item.id]);
    await m.getRepository(PaymentItem).update({ id: item.id }, { purpose: item.purpose, dueOn: item.dueOn });
  });
});

describe("each role lands on its own work", () => {
  it("the case manager's home has the claims to decide (oldest first) and the vouchers running out", async () => {
    const home = await homeFor(caseManager);
    expect(home.overview).toBeNull();
    const claims = home.work.claimsToDecide!;
    for (const r of claims.rows) expect(r.status).toBe("submitted");
    expect(claims.rows.map((r) => r.submittedAt)).toEqual(claims.rows.map((r) => r.submittedAt).sort());
    const day = today();
    for (const v of home.work.vouchers!.rows) {
      expect(v.validUntil >= day).toBe(true);
      expect(v.validUntil <= addDays(day, VOUCHER_WARNING_DAYS)).toBe(true);
    }
    expect(home.work.finance).toBeUndefined();
  });

  it("finance's home has the open payment items, earliest due first, the signatures waiting, and no claims", async () => {
    const home = await homeFor(finance);
    const items = home.work.dueItems!;
    for (const r of items.rows) expect(["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold", "in_run"]).toContain(r.status);
    expect(items.rows.map((r) => r.dueOn)).toEqual(items.rows.map((r) => r.dueOn).sort());
    const waiting = home.work.finance!.waiting;
    expect(waiting.map((w) => w.status)).toEqual(["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold", "in_run"]);
    expect(home.work.claimsToDecide).toBeUndefined();
    expect(home.work.pendingRequests).toBeTypeOf("number");
  });

  it("a training provider's menu has no broker menus; a broker's has them", async () => {
    const brokerMenu = (await navigationFor(broker)).map((n) => n.to);
    const trainerMenu = (await navigationFor(trainer)).map((n) => n.to);
    for (const to of ["/portal/agreements", "/portal/clients", "/portal/placements"]) {
      expect(brokerMenu).toContain(to);
      expect(trainerMenu).not.toContain(to);
    }
    expect(trainerMenu).toContain("/portal/tenders");
    expect(await navigationFor(null)).toEqual([]);
  });
});

describe("CSV exports of the claim and agreement lists", () => {
  const csvRows = (csv: string) => csv.replace(/^\uFEFF/, "").trim().split("\r\n");

  it("the claims CSV holds every row of the filtered list (all pages), in the list's order", async () => {
    const query = parseListQuery(new URLSearchParams("status=rejected"), CLAIM_LIST);
    const list = await listClaims(caseManager, query, { all: true });
    expect(list.total).toBeGreaterThan(25); // more than one page
    const lines = csvRows(await claimsCsv(caseManager, query));
    expect(lines[0]).toBe("Nachweis;Vermittler;Kunde (Kennzeichen);Arbeitgeber;Arbeitsvertrag vom;Beschäftigungsbeginn;eingereicht am;Status;verletzte Prüfregeln;zur Prüfung markiert;Vergütung (EUR)");
    expect(lines.length - 1).toBe(list.total);
    expect(lines.slice(1).map((l) => l.split(";")[0])).toEqual(list.rows.map((r) => r.reference));
    expect(lines.slice(1).every((l) => l.split(";")[7] === "abgelehnt")).toBe(true);
    await expect(claimsCsv(broker, query)).rejects.toThrow();
  });

  it("the agreements CSV holds every row of the filtered list with German dates", async () => {
    const { AGREEMENT_LIST } = await import("~/domain/list-specs");
    const query = parseListQuery(new URLSearchParams("status=active"), AGREEMENT_LIST);
    const list = await listAgreements(caseManager, query, { all: true });
    const lines = csvRows(await agreementsCsv(caseManager, query));
    expect(lines.length - 1).toBe(list.total);
    expect(lines[1].split(";")[4]).toMatch(/^\d\d\.\d\d\.\d{4}$/);
    await expect(agreementsCsv(broker, query)).rejects.toThrow();
  });
});

describe("portal lists: the broker's assigned clients and agreements", () => {
  const nonDecreasing = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1] <= x);

  it("assigned clients open on the valid assignments, ending soonest first, one page at a time", async () => {
    const own = await (await em()).getRepository(Assignment).find({ where: { providerId: broker.providerId!, status: "active" } });
    expect(own.length).toBeGreaterThan(4);
    const first = await listOwnAssignments(broker, parseListQuery(new URLSearchParams(""), OWN_ASSIGNMENT_LIST));
    expect([first.sort, first.dir]).toEqual(["validUntil", "asc"]);
    expect(first.total).toBe(own.length);
    expect(first.rows.every((r) => r.status === "active")).toBe(true);
    expect(nonDecreasing(first.rows.map((r) => r.validUntil))).toBe(true);
    expect(first.rows[0].validUntil).toBe(own.map((a) => a.validUntil).sort()[0]);

    // Pages of 2: disjoint, and together exactly the own valid assignments.
    const seen: string[] = [];
    const pages = Math.ceil(own.length / 2);
    for (let page = 1; page <= pages; page++) {
      const p = await listOwnAssignments(broker, { page, pageSize: 2 });
      expect(p.pages).toBe(pages);
      expect(p.rows.length).toBe(page < pages ? 2 : own.length - 2 * (pages - 1));
      seen.push(...p.rows.map((r) => r.assignment));
    }
    expect(new Set(seen).size).toBe(own.length);
    expect([...seen].sort()).toEqual(own.map((a) => a.reference).sort());

    const all = await listOwnAssignments(broker, { status: "all", pageSize: 200 });
    expect(all.total).toBeGreaterThanOrEqual(own.length);
    // A sort not on the whitelist falls back to the default order.
    const bogus = await listOwnAssignments(broker, { sort: "k.healthNotes" as never });
    expect(bogus.sort).toBe("validUntil");
  });

  it("one broker never sees another's assignments; the search finds a name only with consent", async () => {
    const m = await em();
    const mine = await listOwnAssignments(broker, { status: "all", pageSize: 200 });
    const theirs = await listOwnAssignments(broker2, { status: "all", pageSize: 200 });
    expect(mine.total).toBeGreaterThan(0);
    expect(theirs.total).toBeGreaterThan(0);
    const mineRefs = new Set(mine.rows.map((r) => r.assignment));
    for (const r of theirs.rows) expect(mineRefs.has(r.assignment)).toBe(false);
    const ownRefs = new Set((await m.getRepository(Assignment).find({ where: { providerId: broker.providerId! } })).map((a) => a.reference));
    for (const r of mine.rows) expect(ownRefs.has(r.assignment)).toBe(true);
    // Searching for another broker's client reference finds nothing.
    const foreign = theirs.rows.find((r) => !mine.rows.some((x) => x.client === r.client))!;
    expect((await listOwnAssignments(broker, { status: "all", q: foreign.client })).total).toBe(0);

    const hidden = mine.rows.find((r) => r.name === null)!;
    expect(hidden).toBeDefined();
    const client = await m.getRepository(Client).findOneByOrFail({ reference: hidden.client });
    const byRef = await listOwnAssignments(broker, { status: "all", q: hidden.client });
    expect(byRef.rows.map((r) => r.assignment)).toContain(hidden.assignment);
    const byName = await listOwnAssignments(broker, { status: "all", q: client.lastName, pageSize: 200 });
    expect(byName.rows.map((r) => r.assignment)).not.toContain(hidden.assignment);
    for (const r of byName.rows) expect(r.name).toContain(client.lastName);
  });

  it("agreements open on the current ones (offered, active, suspended), then the latest end", async () => {
    const m = await em();
    const pid = broker.providerId!;
    // The demo broker has current agreements (and, over the years, ended ones).
    const rows = await m.getRepository(PlacementAgreement).find({ where: { providerId: pid } });
    expect(rows.some((a) => ["offered", "active", "suspended"].includes(a.status))).toBe(true);
    const list = await ownAgreements(broker, parseListQuery(new URLSearchParams(""), OWN_AGREEMENT_LIST));
    expect([list.sort, list.dir]).toEqual(["current", "asc"]);
    const rank = (s: string) => ({ offered: 0, active: 1, suspended: 2 })[s] ?? 3;
    expect(list.rows.map((r) => rank(r.status))).toEqual(list.rows.map((r) => rank(r.status)).sort((a, b) => a - b));
    for (let i = 1; i < list.rows.length; i++) {
      if (rank(list.rows[i].status) === rank(list.rows[i - 1].status)) expect(list.rows[i - 1].validUntil >= list.rows[i].validUntil).toBe(true);
    }
    expect(list.rows.some((r) => r.status === "draft" as string)).toBe(false);
    expect(list.rows.length).toBe(rows.filter((a) => a.status !== "draft").length);
    const other = await ownAgreements(broker2);
    const ids = new Set(list.rows.map((r) => r.id));
    for (const r of other.rows) expect(ids.has(r.id)).toBe(false);
  });

  it("a training provider's user is refused the broker lists (403), even with the portal role", async () => {
    for (const call of [() => listOwnAssignments(trainer, {}), () => ownAgreements(trainer), () => listClaims(trainer, {}), () => ownFigures(trainer)]) {
      await expect(call()).rejects.toMatchObject({ status: 403, message: expect.stringContaining("Vermittlern") });
    }
  });
});

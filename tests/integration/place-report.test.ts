import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { Client, Contract, Measure, Outcome, PlacePurchase } from "../../entities";
import { ForbiddenError } from "~/domain/errors";
import { personCell, suppressTable, type RowCounts } from "~/domain/place-report";
import { setClock } from "~/lib/clock.server";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import type { PersonUser } from "~/services/auth.server";
import { measuresInYear, measuresInYearCsv, reportYear, reportYears } from "~/services/place-report.server";

/**
 * "Maßnahmen im Jahr" on a small dataset built by hand (fixed dates, not today): each figure and
 * the suppression of small numbers (DOMAIN.md § 4).
 */
const staff: PersonUser = { id: 1, email: "fm@example.org", name: "Fall Managerin", role: "case_manager", providerId: null };
const provider: PersonUser = { id: 2, email: "t@example.org", name: "Träger", role: "provider", providerId: 1 };
const AT = "2012-03-01T09:00:00.000Z";
let clientId = 0;
let seq = 0;
let contractId = 0;

async function measure(typeCode: string, origin: string, format = "individual", extra: Partial<Measure> = {}): Promise<number> {
  const m = await em();
  seq++;
  const row = await m.getRepository(Measure).save({
    reference: `MN-2010-${String(seq).padStart(5, "0")}`,
    providerId: origin === "employer" ? null : 1,
    typeCode,
    title: `${typeCode} ${seq}`,
    origin,
    contractId: origin === "contract" ? contractId : null,
    format,
    entryMode: "continuous",
    startDates: [],
    duration: 6,
    durationUnit: "month",
    weeklyHours: 3000,
    capacity: 20,
    priceModel: "none",
    priceCents: 0,
    proRata: "days",
    eventFees: [],
    targetGroups: [],
    validFrom: "2009-01-01",
    validUntil: "2012-12-31",
    status: "closed",
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  } as Partial<Measure>);
  return row.id;
}

async function purchase(measureId: number, start: string, status: string, opts: { exit?: string; outcome?: string } = {}): Promise<number> {
  const m = await em();
  seq++;
  const started = ["running", "completed", "dropped_out"].includes(status);
  const p = await m.getRepository(PlacePurchase).save({
    reference: `EP-2010-${String(seq).padStart(5, "0")}`,
    measureId,
    providerId: 1,
    clientId,
    startDate: start,
    endDate: opts.exit ?? "2012-12-31",
    status,
    priceModel: "none",
    priceCents: 0,
    proRata: "days",
    eventFees: [],
    hours: null,
    estimatedCents: 0,
    budgetLineId: null,
    approvalNeeded: false,
    consentAt: null,
    requestedById: 1,
    requestedAt: AT,
    entryDate: started ? start : null,
    exitDate: opts.exit ?? null,
    exitReason: status === "dropped_out" ? "illness" : null,
    createdAt: AT,
    updatedAt: AT,
  } as Partial<PlacePurchase>);
  if (opts.outcome) await m.getRepository(Outcome).save({ clientId, purchaseId: p.id, checkpoint: "exit", status: opts.outcome, asOf: opts.exit!, recordedById: 1, recordedAt: AT } as Partial<Outcome>);
  return p.id;
}

beforeAll(async () => {
  await freshDatabase();
  setClock(AT);
  await tx(async (m) => {
    const c = await m.getRepository(Client).save({ reference: "K-000001", firstName: "Test", lastName: "Person", birthDate: "1980-01-01", targetGroups: [], createdAt: AT, updatedAt: AT } as Partial<Client>);
    clientId = c.id;
    const k = await m.getRepository(Contract).save({ reference: "V-2009-001-L1", tenderId: 1, lotId: 1, providerId: 1, offerId: 1, quantity: 12, priceUnit: "place_month", unitPriceCents: 90000, successFeeCents: null, paymentTermDays: 30, budgetLineId: null, startDate: "2010-09-01", endDate: "2013-08-31", status: "active", concludedAt: AT } as Partial<Contract>);
    contractId = k.id;
  });
  // BaE from the BA: 3 starting in 2010 (plus a cancelled, a declined one and one of 2009 that do not count).
  const ba = await measure("bae", "ba");
  await purchase(ba, "2010-09-01", "running");
  await purchase(ba, "2010-09-01", "completed", { exit: "2011-02-28", outcome: "training" });
  await purchase(ba, "2010-10-15", "dropped_out", { exit: "2010-12-10", outcome: "none" });
  await purchase(ba, "2010-09-01", "cancelled");
  await purchase(ba, "2010-09-01", "declined");
  await purchase(ba, "2009-09-01", "running");
  // The own BaE tender: 4 of the contract's 12 places start in 2010.
  const own = await measure("bae", "contract", "group");
  for (let i = 0; i < 4; i++) await purchase(own, "2010-09-01", "running");
  // MAE: a group measure with 2, an individual placement with 1, one with a cancelled place only (not counted).
  const g = await measure("mae", "certified", "group");
  const i1 = await measure("mae", "certified", "individual", { hostName: "Tierheim" });
  const i2 = await measure("mae", "certified", "individual", { hostName: "Bauhof" });
  await purchase(g, "2010-03-01", "completed", { exit: "2010-08-31", outcome: "employment" });
  await purchase(g, "2010-04-01", "completed", { exit: "2010-09-30", outcome: "none" });
  await purchase(i1, "2010-05-01", "completed", { exit: "2010-10-31" });
  await purchase(i2, "2010-05-01", "cancelled");
  // Places that did not start (yet) are no participants: approved, ordered, confirmed, and a running one without a reported entry.
  await purchase(i2, "2010-06-01", "approved");
  await purchase(g, "2010-06-01", "ordered");
  await purchase(g, "2010-06-01", "confirmed");
  const noEntry = await purchase(g, "2010-06-01", "running");
  await (await em()).getRepository(PlacePurchase).update(noEntry, { entryDate: null });
  // Employer training 2010: 10 exits, 8 placed (2 not placed: the 8 would give the 2 away).
  const e = await measure("employer_training", "employer", "individual", { priceModel: "none", duration: 2, durationUnit: "week" });
  const placedKinds = ["employment", "employment", "employment", "employment", "employment", "employment", "training", "self_employment"];
  for (let i = 0; i < 10; i++) await purchase(e, `2010-0${1 + (i % 9)}-05`, "completed", { exit: `2010-0${1 + (i % 9)}-18`, outcome: i < 8 ? placedKinds[i] : "none" });
  // 2011: 10 exits (one of them started in December 2010), 7 placed → 70 %.
  await purchase(e, "2010-12-27", "completed", { exit: "2011-01-07", outcome: "employment" });
  for (let i = 0; i < 9; i++) await purchase(e, `2011-0${1 + i}-03`, i === 8 ? "dropped_out" : "completed", { exit: `2011-0${1 + i}-14`, outcome: i < 6 ? "employment" : "none" });
  // Youth: one measure with 2 participants (suppressed).
  const y = await measure("youth", "certified", "group");
  await purchase(y, "2010-08-15", "completed", { exit: "2011-06-14" });
  await purchase(y, "2010-08-15", "completed", { exit: "2011-06-14" });
}, 120_000);

describe("measuresInYear", () => {
  it("counts BaE places from the BA and from the own tender (with the contract's places)", async () => {
    const r = await measuresInYear(staff, 2010);
    expect(r.bae.fromBa.value).toBe(3);
    expect(r.bae.ownTender.value).toBe(4);
    expect(r.bae.ownCapacity.value).toBe(12);
    expect(r.rehaBae.starts).toEqual({ value: 0, text: "0" });
    expect((await measuresInYear(staff, 2009)).bae.fromBa.text).toBe("< 3");
  });

  it("counts MAE measures with a participant starting in the year, participants (places that started) and group measures", async () => {
    const r = await measuresInYear(staff, 2010);
    expect(r.mae.measures.value).toBe(2);
    expect(r.mae.participants.value).toBe(3);
    expect(r.mae.groupMeasures.value).toBe(1);
  });

  it("gives the placement share of employer-based training by exits, suppressing what would give away fewer than 3", async () => {
    const y2010 = await measuresInYear(staff, 2010);
    expect(y2010.employerTraining.exits.value).toBe(10);
    // 8 placed of 10 would show that 2 were not: placed and share are suppressed.
    expect(y2010.employerTraining.placed).toEqual({ value: null, text: "gesperrt" });
    expect(y2010.employerTraining.sharePercent).toEqual({ value: null, text: "gesperrt" });
    const y2011 = await measuresInYear(staff, 2011);
    // 2011: 7 placed of 10 is safe in the row, but the table hides the 10 exits (column: the BaE
    // row's single exit) and the 7 (column: the BaE row's single integration); the cards follow
    // the table, or they would give its hidden cells away.
    expect(y2011.employerTraining.exits).toEqual({ value: null, text: "gesperrt" });
    expect(y2011.employerTraining.placed).toEqual({ value: null, text: "gesperrt" });
    expect(y2011.employerTraining.sharePercent).toEqual({ value: null, text: "gesperrt" });
  });

  it("suppresses 1 and 2 persons, shows 0 and 3", async () => {
    expect(personCell(0)).toEqual({ value: 0, text: "0" });
    expect(personCell(1).text).toBe("< 3");
    expect(personCell(2)).toEqual({ value: null, text: "< 3" });
    expect(personCell(3)).toEqual({ value: 3, text: "3" });
    const r = await measuresInYear(staff, 2010);
    expect(r.youth.measures.value).toBe(1);
    expect(r.youth.participants).toEqual({ value: null, text: "< 3" });
  });

  it("has a row per measure type with entries, exits, drop-outs, integrations and money spent", async () => {
    const r = await measuresInYear(staff, 2010);
    const bae = r.rows.find((x) => x.typeCode === "bae")!;
    expect(bae.measures.value).toBe(2);
    expect(bae.entries.value).toBe(7); // 3 BA + 4 own tender (the 2009 start entered in 2009)
    expect(bae.exits.text).toBe("< 3"); // one drop-out in 2010
    expect(bae.dropouts.text).toBe("< 3");
    expect(bae.spentCents).toBe(0);
    const mae = r.rows.find((x) => x.typeCode === "mae")!;
    // 3 entries, but the youth row's 2 entries would be recoverable from the column total otherwise.
    expect(mae.entries).toEqual({ value: null, text: "gesperrt" });
    expect(r.total.entries.value).toBe(23);
    expect(mae.exits).toEqual({ value: null, text: "gesperrt" }); // the BaE row's single exit
    expect(mae.dropouts.value).toBe(0);
    expect(r.total.dropouts).toEqual({ value: null, text: "< 3" }); // the one BaE drop-out
    expect(mae.integrations.text).toBe("< 3");
    const employer = r.rows.find((x) => x.typeCode === "employer_training")!;
    expect(employer.exits.value).toBe(10);
    // 8 integrations of 10 exits would show 2 exits without integration.
    expect(employer.integrations).toEqual({ value: null, text: "gesperrt" });
    expect(r.rows.map((x) => x.typeCode)).not.toContain("reha_bae");
  });

  it("is for staff only, defaults to the latest full year and exports the same as CSV", async () => {
    await expect(measuresInYear(provider, 2010)).rejects.toBeInstanceOf(ForbiddenError);
    const csv = await measuresInYearCsv(staff, 2011);
    expect(csv).toContain("Vermittlungsquote (%);gesperrt");
    expect(csv).toContain("Trainingsmaßnahme beim Arbeitgeber;1;9;gesperrt;< 3;gesperrt;0,00");
    expect(csv).toContain("2011;Maßnahmeart;Summe;1;9;13;< 3;8;0,00");
  });
});

describe("the year of the report (hostile ?year= values)", () => {
  const years = [2009, 2010, 2011, 2012];
  const ask = (q: string, list: readonly number[] = years) => reportYear(new URLSearchParams(q), list);

  it("takes a year with data, and without one the latest full year with data", () => {
    // The clock stands at 2012-03-01.
    expect(ask("year=2010")).toEqual({ kind: "ok", year: 2010 });
    expect(ask("year=2012")).toEqual({ kind: "ok", year: 2012 });
    expect(ask("")).toEqual({ kind: "ok", year: 2011 });
    expect(ask("year=")).toEqual({ kind: "ok", year: 2011 });
    expect(ask("", [2009, 2010])).toEqual({ kind: "ok", year: 2010 });
    expect(ask("", [])).toEqual({ kind: "ok", year: 2012 });
  });

  it("says that a value is not a year, never showing another year instead", () => {
    for (const q of ["abc", "-1", "2010.5", "20 10", "1e3", "12345", "０２０１０"]) {
      const c = ask(`year=${encodeURIComponent(q)}`);
      expect(c.kind, q).toBe("invalid");
      if (c.kind === "invalid") expect(c.message, q).toContain("ist keine Jahreszahl");
    }
  });

  it("says that a year has no data: before the records, and in the future (the year after today, 9999)", () => {
    const old = ask("year=1900");
    expect(old).toMatchObject({ kind: "no_data", year: 1900 });
    if (old.kind === "no_data") expect(old.message).toBe("Für 1900 sind keine Platzkäufe erfasst. Erfasst sind die Jahre 2009 bis 2012. Bitte wählen Sie ein Jahr aus der Liste.");
    expect(ask("year=2008")).toMatchObject({ kind: "no_data", year: 2008 });
    for (const q of ["2013", "9999"]) {
      const c = ask(`year=${q}`, [...years, 2013]);
      expect(c.kind, q).toBe("no_data");
      if (c.kind === "no_data") expect(c.message, q).toContain("in der Zukunft");
    }
  });

  it("offers only years with data, up to the current year", async () => {
    expect(await reportYears()).toEqual([2009, 2010, 2011]);
    // A place planned for 2013 (after today, 2012) does not add 2013; a cancelled place of 2012 adds 2012.
    const y = await measure("youth", "certified", "group");
    await purchase(y, "2013-02-01", "ordered");
    await purchase(y, "2012-02-01", "cancelled");
    expect(await reportYears()).toEqual([2009, 2010, 2011, 2012]);
  });
});

describe("suppressTable: secondary suppression in the per-type table", () => {
  const row = (typeCode: string, c: Partial<RowCounts>): RowCounts => ({ typeCode, label: typeCode, measures: 1, entries: 0, exits: 0, dropouts: 0, integrations: 0, spentCents: 0, ...c });
  const texts = (r: { entries: { text: string }; exits: { text: string }; dropouts: { text: string }; integrations: { text: string } }) => [r.entries.text, r.exits.text, r.dropouts.text, r.integrations.text];

  it("hides a part whose complement in the row is 1 or 2 (exits 10, integrations 8 / drop-outs 9), shows it at a complement of 3 and of 0", () => {
    const { rows, total } = suppressTable([
      row("reha_bae", { entries: 20, exits: 10, dropouts: 3, integrations: 8 }),
      row("bae", { entries: 20, exits: 10, dropouts: 9, integrations: 7 }),
      row("mae", { entries: 20, exits: 10, dropouts: 0, integrations: 10 }),
      row("youth", { entries: 20, exits: 10, dropouts: 7, integrations: 3 }),
    ]);
    // Row rule: 10 − 8 and 10 − 9 would be 2 and 1. Column rule: the 9 (drop-outs) and the 8
    // (integrations) alone could be taken back out of the column totals, so the smallest further
    // cell of each column (3 and 3) is hidden too.
    expect(texts(rows[0])).toEqual(["20", "10", "gesperrt", "gesperrt"]);
    expect(texts(rows[1])).toEqual(["20", "10", "gesperrt", "7"]);
    expect(texts(rows[2])).toEqual(["20", "10", "0", "10"]);
    expect(texts(rows[3])).toEqual(["20", "10", "7", "gesperrt"]);
    expect(texts(total)).toEqual(["80", "40", "19", "28"]);
    expect(rows[0].integrations.value).toBeNull();
  });

  it("hides the parts of a whole of 1 or 2 persons, even a 0 that would tell all of them left without integration", () => {
    const { rows } = suppressTable([row("bae", { entries: 30, exits: 2, dropouts: 1, integrations: 0 }), row("mae", { entries: 30, exits: 40, dropouts: 5, integrations: 20 }), row("youth", { entries: 30, exits: 40, dropouts: 6, integrations: 20 })]);
    expect(texts(rows[0])).toEqual(["30", "< 3", "< 3", "gesperrt"]);
    // Each column had one suppressed cell: the smallest further one goes too.
    expect(texts(rows[1])).toEqual(["30", "gesperrt", "gesperrt", "gesperrt"]);
    expect(texts(rows[2])).toEqual(["30", "40", "6", "20"]);
  });

  it("suppresses a second cell of a column when a single suppressed cell could be recovered from the total", () => {
    const { rows, total } = suppressTable([row("bae", { entries: 2 }), row("mae", { entries: 10 }), row("youth", { entries: 5 }), row("p421i", { entries: 4 })]);
    // Without the extra cell 21 − 10 − 5 − 4 would give the 2 away.
    expect(rows.map((r) => r.entries.text)).toEqual(["< 3", "10", "5", "gesperrt"]);
    expect(total.entries).toEqual({ value: 21, text: "21" });
  });

  it("hides the total of a column whose suppressed cells are all 1 or 2 and nothing else could cover them", () => {
    const { rows, total } = suppressTable([row("bae", { entries: 1 }), row("mae", { entries: 2 }), row("youth", { entries: 0 })]);
    expect(rows.map((r) => r.entries.text)).toEqual(["< 3", "< 3", "0"]);
    expect(total.entries).toEqual({ value: null, text: "gesperrt" });
  });

  it("leaves a column alone with two suppressed cells of which one is at least 3, and one with none", () => {
    const { rows, total } = suppressTable([row("bae", { exits: 2 }), row("mae", { exits: 10, integrations: 8 }), row("youth", { exits: 10, integrations: 4 }), row("p421i", { exits: 6, integrations: 5 })]);
    expect(rows.map((r) => r.exits.text)).toEqual(["< 3", "10", "10", "gesperrt"]);
    expect(total.exits.text).toBe("28");
    // integrations: 0 of 2, 8 of 10 and 5 of 6 are hidden by the row rule; with the 8 and the 5 among them the column is safe.
    expect(rows.map((r) => r.integrations.text)).toEqual(["gesperrt", "gesperrt", "4", "gesperrt"]);
    expect(total.integrations.text).toBe("17");
  });

  it("shows a column without suppressed cells as it is, and applies the row rule to the total row", () => {
    const { rows, total } = suppressTable([row("bae", { exits: 5, dropouts: 4 }), row("mae", { exits: 5, dropouts: 5 })]);
    expect(rows.map((r) => r.exits.text)).toEqual(["5", "5"]);
    // 5 − 4 = 1 hides the 4; 10 − 9 = 1 in the total row hides the total, which also keeps the 4 from being 9 − 5.
    expect(rows.map((r) => r.dropouts.text)).toEqual(["gesperrt", "5"]);
    expect(total.exits.text).toBe("10");
    expect(total.dropouts).toEqual({ value: null, text: "gesperrt" });
  });
});

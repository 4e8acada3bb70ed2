/**
 * Placement benchmark (issue 4): validate and decide N placement claims (default 10,000) through
 * the services, and run the daily instalment job day by day over ten years of data; each against
 * the same work done as raw SQL in the same run, on a second database of the same kind.
 *
 *   BENCH_CLAIMS=10000 npx tsx scripts/bench-placements.ts
 *
 * What the service path does per claim: load the facts (broker, bank accounts, contacts,
 * certificates, history, other claims and assignments), run the § 7 rules, store the claim and
 * its two PDFs' references, audit; per decision: re-check, transition, instalments, decision
 * letter PDF, mail, audit. The raw SQL baseline does the rule checks as set-based SQL, the
 * inserts and the instalment plan — without audit, letters and mails.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-placements-"));
process.env.NODE_ENV = "test";

const N = Number(process.env.BENCH_CLAIMS ?? 10000);
const YEARS = 10;
const FIRST_YEAR = 2010;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fmt(ms: number) {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

async function main() {
  const { db, tx } = await import("../app/lib/db.server");
  const { setClock } = await import("../app/lib/clock.server");
  const { seedDemoData } = await import("../app/demo/demo-data.server");
  const { createFeeSchedule } = await import("../app/services/placement-agreements.server");
  const { submitClaim, decideClaim } = await import("../app/services/placement-claims.server");
  const { runPlacementDay } = await import("../app/services/instalments.server");
  const { installGateProbe } = await import("../app/lib/gate-probe.server");
  const { addDays, addMonths } = await import("../app/domain/time");
  const { clientReference } = await import("../app/domain/placement");
  const { Assignment, Client, PlacementAgreement, Provider, User, Setting, EmploymentSpell } = await import("../entities");
  const ds = await db();
  console.log(`Datenbank: ${ds.options.type}; ${N} Vermittlungsnachweise über ${YEARS} Jahre (${FIRST_YEAR}–${FIRST_YEAR + YEARS - 1})`);

  // --- Setup (not measured): brokers, one 10-year agreement each, clients, assignments.
  setClock(`${FIRST_YEAR - 1}-12-01T09:00:00.000Z`);
  await seedDemoData({ scale: 1 });
  const procurement = await ds.getRepository(User).findOneByOrFail({ email: "vergabe@asz-kamenz.example" });
  const caseManager = await ds.getRepository(User).findOneByOrFail({ email: "fallmanagement@asz-kamenz.example" });
  const asUser = (u: InstanceType<typeof User>) => ({ id: u.id, email: u.email, name: u.name, role: u.role as "procurement", providerId: u.providerId });
  await createFeeSchedule(asUser(procurement), { code: "BENCH", name: "Vermittlungsgutschein", legalBasis: "voucher_421g", validFrom: "01.01.2005", firstAmount: "1.000,00", firstDays: "42", secondMonths: "6", secondSameEmployer: "on", rates: "alle;2.000,00;01.01.2005" });
  // Reminders every 90 days (the setting's maximum), so unproven instalments do not flood the outbox.
  await ds.getRepository(Setting).save({ key: "placement.reminderIntervalDays", value: "90", updatedAt: new Date().toISOString() });
  const brokers = await ds.getRepository(Provider).find({ where: { kind: "broker" }, order: { id: "ASC" } });
  const at = new Date().toISOString();
  await ds.getRepository(Provider).update({ kind: "broker" }, { tradeRegistrationDate: "2004-01-01", active: true });
  const schedule = await ds.query(`SELECT id FROM fee_schedules WHERE code = 'BENCH'`);
  const agreements = brokers.map((b, i) => ({
    reference: `VV-${FIRST_YEAR}-${String(i + 1).padStart(4, "0")}`,
    providerId: b.id,
    termsId: null,
    legalBasis: "voucher_421g",
    feeScheduleId: schedule[0].id,
    validFrom: `${FIRST_YEAR}-01-01`,
    validUntil: `${FIRST_YEAR + YEARS - 1}-12-31`,
    status: "active",
    offeredAt: at,
    offeredById: procurement.id,
    acceptedAt: at,
    acceptedById: null,
    acceptedByName: "Bench",
    statusReason: "",
    documentId: null,
    renewedFromId: null,
    createdAt: at,
    updatedAt: at,
  }));
  await tx(async (m) => {
    for (let i = 0; i < agreements.length; i += 200) await m.getRepository(PlacementAgreement).insert(agreements.slice(i, i + 200));
  });
  const agreementRows = await ds.getRepository(PlacementAgreement).find();
  const agreementOf = new Map(agreementRows.map((a) => [a.providerId, a.id]));
  const r = rng(4711);
  const clients: Record<string, unknown>[] = [];
  const spells: Record<string, unknown>[] = [];
  const assignments: Record<string, unknown>[] = [];
  const specs: { validFrom: string; brokerId: number; defect: number }[] = [];
  for (let i = 0; i < N; i++) {
    const validFrom = addDays(`${FIRST_YEAR}-01-01`, Math.floor((i / N) * (YEARS * 365 - 200)));
    const broker = brokers[Math.floor(r() * brokers.length)];
    clients.push({ reference: clientReference(i + 1), firstName: "Bench", lastName: `Kunde ${i}`, birthDate: "1975-05-05", street: "", postalCode: "", city: "", phone: "", email: "", region: "", targetGroups: [], qualification: "", targetOccupation: "Lager", monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: caseManager.id, createdAt: at, updatedAt: at });
    if (r() < 0.5) spells.push({ clientId: i + 1, employerName: r() < 0.1 ? "Arbeitgeber 0" : `Früherer Betrieb ${i}`, fromDate: addMonths(validFrom, -30), toDate: addMonths(validFrom, -24), insured: true, source: "history", createdAt: at });
    assignments.push({ reference: `VG-${validFrom.slice(0, 4)}-${String(i + 1).padStart(6, "0")}`, clientId: i + 1, providerId: broker.id, agreementId: agreementOf.get(broker.id), legalBasis: "voucher_421g", issuedOn: validFrom, validFrom, validUntil: addDays(addMonths(validFrom, 3), -1), region: "", maxFeeCents: 200000, status: "active", consentAt: null, consentRecordedById: null, consentWithdrawnAt: null, flag: "", createdById: caseManager.id, createdAt: at, updatedAt: at });
    specs.push({ validFrom, brokerId: broker.id, defect: r() });
  }
  await tx(async (m) => {
    for (let i = 0; i < N; i += 300) {
      await m.getRepository(Client).insert(clients.slice(i, i + 300));
      await m.getRepository(Assignment).insert(assignments.slice(i, i + 300));
    }
    for (let i = 0; i < spells.length; i += 300) await m.getRepository(EmploymentSpell).insert(spells.slice(i, i + 300));
  });
  const assignmentIds = (await ds.getRepository(Assignment).find({ select: { id: true }, order: { id: "ASC" } })).map((a) => a.id);

  // A claim per assignment; about a third has a defect (hours, previous employer, late, fixed term).
  const claimOf = (i: number) => {
    const s = specs[i];
    const contract = addDays(s.validFrom, 10 + Math.floor((i * 7) % 60));
    const d = s.defect;
    return {
      assignmentId: String(assignmentIds[i]),
      employerName: d < 0.05 ? "Arbeitgeber 0" : `Arbeitgeber ${i % 997}`,
      employerStreet: "Gewerbestraße 1",
      employerPostalCode: "01917",
      employerCity: "Kamenz",
      contractDate: contract,
      jobStart: addDays(contract, 3),
      weeklyHours: d < 0.15 ? "14,5" : "38,5",
      insured: d < 0.2 ? "" : "on",
      fixedTermEnd: d > 0.97 ? addDays(addMonths(addDays(contract, 3), 3), -2) : "",
      occupation: "Lagerhelfer",
      brokerContractDate: addDays(contract, d > 0.3 && d < 0.33 ? 5 : -5),
    };
  };
  // Uploads must load as a PDF with at least one page (a bare "%PDF-" header is refused).
  const pdfBytes = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1");
  const files = { employmentContract: { filename: "vertrag.pdf", bytes: pdfBytes }, employerConfirmation: { filename: "bestaetigung.pdf", bytes: pdfBytes }, brokerContract: { filename: "vermittlungsvertrag.pdf", bytes: pdfBytes } };
  const brokerUser = (providerId: number) => ({ id: 900000 + providerId, email: `bench-${providerId}@example.invalid`, name: "Bench", role: "provider" as const, providerId });

  // --- A. Validate and decide N claims through the services.
  console.log(`\nA. ${N} Nachweise prüfen und entscheiden`);
  let accepted = 0;
  let rejectedAtSubmission = 0;
  // Time holding the write gate (BEGIN granted → COMMIT done), per write path (issue 13 point 2).
  const probe = await installGateProbe(ds, { trace: !!process.env.BENCH_TRACE });
  const submitStart = process.hrtime.bigint();
  const submitted: { id: number; jobStart: string }[] = [];
  for (let i = 0; i < N; i++) {
    const c = claimOf(i);
    setClock(`${addDays(c.jobStart as string, 20)}T08:00:00.000Z`);
    const res = await submitClaim(brokerUser(specs[i].brokerId), c, files, "api");
    if (res.status === "rejected") rejectedAtSubmission++;
    else submitted.push({ id: res.id, jobStart: c.jobStart as string });
  }
  const submitMs = Number(process.hrtime.bigint() - submitStart) / 1e6;
  const submitHeld = probe.heldMs();
  const submitTxs = probe.holds.length;
  const submitStatements = probe.statements.reduce((a, b) => a + b, 0);
  if (process.env.BENCH_TRACE) printTrace("Einreichung", probe.trace, N);
  probe.reset();
  const decideStart = process.hrtime.bigint();
  // Each claim decided a week after it came in, as staff would (not years later, when its
  // instalments would all lapse inside the decision).
  for (const { id, jobStart } of submitted) {
    setClock(`${addDays(jobStart, 27)}T08:00:00.000Z`);
    await decideClaim({ ...asUser(caseManager), role: "case_manager" }, id, "accept", { note: "Geprüft, keine Auffälligkeiten festgestellt." });
    accepted++;
  }
  const decideMs = Number(process.hrtime.bigint() - decideStart) / 1e6;
  const decideHeld = probe.heldMs();
  const decideTxs = probe.holds.length;
  const decideMaxHold = Math.max(0, ...probe.holds);
  // One transaction per decision now: the median hold is the typical decision's (a GC pause inside one shows in the longest).
  const decideMedianHold = [...probe.holds].sort((a, b) => a - b)[Math.floor(probe.holds.length / 2)] ?? 0;
  const decideStatements = probe.statements.reduce((a, b) => a + b, 0);
  if (process.env.BENCH_TRACE) printTrace("Entscheidung", probe.trace, accepted);
  // The floor, measured now: a transaction writing one row (BEGIN IMMEDIATE, UPDATE, COMMIT).
  probe.reset();
  // A real change each time: SQLite writes nothing (and syncs nothing) for an UPDATE that changes no value.
  const [floorRow] = await ds.query(`SELECT "updatedAt" FROM settings WHERE "key" = 'placement.reminderIntervalDays'`);
  for (let i = 0; i < 100; i++) await tx((m) => m.query(`UPDATE settings SET "updatedAt" = ? WHERE "key" = 'placement.reminderIntervalDays'`, [`floor-${i}`]));
  await tx((m) => m.query(`UPDATE settings SET "updatedAt" = ? WHERE "key" = 'placement.reminderIntervalDays'`, [floorRow?.updatedAt ?? null]));
  const floorHeld = probe.heldMs() / 100;
  probe.stop();
  const serviceMs = submitMs + decideMs;
  console.log(`  Dienste: Einreichen mit Prüfung ${fmt(submitMs)} (${(submitMs / N).toFixed(1)} ms/Nachweis; ${rejectedAtSubmission} bei Eingang abgelehnt)`);
  console.log(`  Dienste: Anerkennen mit erneuter Prüfung, Raten, Bescheid-PDF, Mail ${fmt(decideMs)} (${(decideMs / Math.max(1, accepted)).toFixed(1)} ms/Entscheidung, ${accepted} anerkannt)`);
  console.log(`  Schreibtor je Einreichung: gehalten ${(submitHeld / N).toFixed(2)} ms = ${(submitHeld / N / floorHeld).toFixed(1)}× Boden, außerhalb ${((submitMs - submitHeld) / N).toFixed(2)} ms (${(submitTxs / N).toFixed(2)} Transaktionen, ${(submitStatements / N).toFixed(1)} Anweisungen im Tor je Nachweis)`);
  console.log(`  Schreibtor je Entscheidung: gehalten ${(decideHeld / Math.max(1, accepted)).toFixed(2)} ms = ${(decideHeld / Math.max(1, accepted) / floorHeld).toFixed(1)}× Boden (Median einer Transaktion ${decideMedianHold.toFixed(2)} ms, längste ${decideMaxHold.toFixed(1)} ms), außerhalb ${((decideMs - decideHeld) / Math.max(1, accepted)).toFixed(2)} ms (${(decideTxs / Math.max(1, accepted)).toFixed(2)} Transaktionen, ${(decideStatements / Math.max(1, accepted)).toFixed(1)} Anweisungen im Tor je Entscheidung; Ziel ≤ 5 ms gehalten)`);
  console.log(`  Boden: eine Transaktion mit einer geänderten Zeile hält das Tor ${floorHeld.toFixed(2)} ms (BEGIN IMMEDIATE, UPDATE, COMMIT mit fsync)`);

  // Raw SQL on a copy of the setup: the same rule checks as set-based SQL, the inserts and the instalments.
  const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-raw-"));
  const isSqlite = ds.options.type === "sqlite";
  const rawMs = await rawBaseline(ds, isSqlite, rawDir, N, claimOf, assignmentIds);
  console.log(`  Rohes SQL (gleiche Prüfregeln mengenbasiert, Einfügen, Raten; ohne Protokoll, Bescheide, Mails): ${fmt(rawMs)}`);
  console.log(`  Verhältnis Dienste / rohes SQL: ${(serviceMs / rawMs).toFixed(0)}×`);

  // --- B. The daily job, day by day over ten years.
  console.log(`\nB. Täglicher Lauf über ${YEARS} Jahre (${FIRST_YEAR}-01-01 bis ${FIRST_YEAR + YEARS}-12-31)`);
  const days: string[] = [];
  for (let d = `${FIRST_YEAR}-01-01`; d <= `${FIRST_YEAR + YEARS}-12-31`; d = addDays(d, 1)) days.push(d);
  // The service decisions moved instalments already for the decision day; reset them to "pending" so the job does the whole walk.
  await ds.query(`UPDATE fee_instalments SET status = 'pending', "dueAt" = NULL, "closedAt" = NULL, "lastReminderOn" = NULL WHERE status IN ('due','lapsed')`);
  const snapshot = await ds.query(`SELECT id, status, "earliestOn", "deadlineOn" FROM fee_instalments`);
  const jobStart = process.hrtime.bigint();
  const totals = { moved: 0, reminders: 0, assignments: 0, agreements: 0 };
  for (const day of days) {
    setClock(`${day}T02:00:00.000Z`);
    const rep = await runPlacementDay(day);
    totals.moved += rep.instalmentsMoved;
    totals.reminders += rep.reminders;
    totals.assignments += rep.assignmentsExpired;
    totals.agreements += rep.agreementsExpired;
  }
  const jobMs = Number(process.hrtime.bigint() - jobStart) / 1e6;
  const again = await runPlacementDay(days[days.length - 1]);
  console.log(`  Dienst runPlacementDay × ${days.length} Tage: ${fmt(jobMs)} (${(jobMs / days.length).toFixed(2)} ms/Tag); ${totals.moved} Ratenübergänge, ${totals.reminders} Erinnerungen, ${totals.assignments} Zuweisungen und ${totals.agreements} Vereinbarungen abgelaufen`);
  console.log(`  zweiter Lauf am letzten Tag ändert: ${again.instalmentsMoved + again.reminders + again.assignmentsExpired + again.agreementsExpired} (idempotent)`);
  const rawJobMs = await rawJobBaseline(rawDir, isSqlite, snapshot, days);
  console.log(`  Rohes SQL, gleiche Übergänge und Erinnerungen Tag für Tag (ohne Protokoll): ${fmt(rawJobMs)}`);
  console.log(`  Verhältnis Dienst / rohes SQL: ${(jobMs / rawJobMs).toFixed(1)}×`);
  await ds.destroy();
}

/** A second database with the same schema for the raw SQL baselines (SQLite file or PG schema). */
/** Where the time inside a path's transactions goes, summed per statement kind, per item (BENCH_TRACE=1). */
function printTrace(path: string, trace: { query: string; ms: number; gapMs: number }[], per: number) {
  console.log(`  Im Tor je ${path} (SQL-Zeit, Zeit davor, Anzahl):`);
  const by = new Map<string, { n: number; ms: number; gap: number }>();
  for (const t of trace) {
    const key = t.query.slice(0, 60);
    const e = by.get(key) ?? { n: 0, ms: 0, gap: 0 };
    e.n++;
    e.ms += t.ms;
    e.gap += t.gapMs;
    by.set(key, e);
  }
  for (const [k, e] of [...by].sort((a, b) => b[1].ms + b[1].gap - a[1].ms - a[1].gap).slice(0, 25)) console.log(`    ${(e.ms / per).toFixed(2).padStart(7)} ms SQL ${(e.gap / per).toFixed(2).padStart(7)} ms davor  ×${(e.n / per).toFixed(1)}  ${k}`);
}

async function rawDataSource(isSqlite: boolean, dir: string) {
  const { DataSource } = await import("typeorm");
  const { entities } = await import("../entities");
  if (isSqlite) {
    // The app's driver (without node-sqlite3's verbose tracing, which would slow both sides alike).
    const { sqliteDriver } = await import("../app/lib/db.server");
    const ds = new DataSource({ type: "sqlite", driver: sqliteDriver, database: path.join(dir, "raw.sqlite"), entities, synchronize: true });
    await ds.initialize();
    await ds.query("PRAGMA journal_mode = WAL");
    return ds;
  }
  const url = process.env.DATABASE_URL!;
  const ds = new DataSource({ type: "postgres", url, entities, synchronize: false, schema: "bench_raw" });
  await ds.initialize();
  await ds.query("DROP SCHEMA IF EXISTS bench_raw CASCADE");
  await ds.query("CREATE SCHEMA bench_raw");
  await ds.destroy();
  const ds2 = new DataSource({ type: "postgres", url, entities, synchronize: true, schema: "bench_raw" });
  await ds2.initialize();
  return ds2;
}

async function rawBaseline(ds: import("typeorm").DataSource, isSqlite: boolean, dir: string, n: number, claimOf: (i: number) => Record<string, string>, assignmentIds: number[]): Promise<number> {
  const raw = await rawDataSource(isSqlite, dir);
  // Same setup data (not measured).
  for (const table of ["providers", "bank_accounts", "contact_persons", "certifications", "assignments", "employment_spells", "clients"]) {
    const rows = await ds.query(`SELECT * FROM ${table}`);
    const cols = Object.keys(rows[0] ?? {});
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      const params: unknown[] = [];
      const values = chunk.map((row: Record<string, unknown>) => `(${cols.map((c) => (params.push(row[c]), isSqlite ? "?" : `$${params.length}`)).join(",")})`).join(",");
      await raw.query(`INSERT INTO ${isSqlite ? "" : "bench_raw."}${table} (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${values}`, params);
    }
  }
  const q = (sql: string) => (isSqlite ? sql : sql.replace(/\?/g, ((i) => () => `$${++i}`)(0)));
  const t = isSqlite ? "" : "bench_raw.";
  const start = process.hrtime.bigint();
  await raw.transaction(async (m) => {
    for (let i = 0; i < n; i++) {
      const c = claimOf(i);
      await m.query(
        q(`INSERT INTO ${t}placement_claims (reference, "assignmentId", "clientId", "providerId", "legalBasis", "employerName", "employerStreet", "employerPostalCode", "employerCity", abroad, "contractDate", "jobStart", "weeklyHours", insured, "fixedTermEnd", occupation, "brokerContractDate", "claimedFeeCents", status, "ruleResults", flagged, "severeDisabilityException", channel, "submittedAt", "updatedAt", "decisionNote")
           SELECT ?, a.id, a."clientId", a."providerId", a."legalBasis", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, a."maxFeeCents", 'submitted', '[]', ?, ?, 'api', ?, ?, '' FROM ${t}assignments a WHERE a.id = ?`),
        [`VN-${i}`, c.employerName, c.employerStreet, c.employerPostalCode, c.employerCity, false, c.contractDate, c.jobStart, c.weeklyHours === "14,5" ? 1450 : 3850, c.insured === "on", c.fixedTermEnd || null, c.occupation, c.brokerContractDate, false, false, `${c.jobStart}T08:00:00.000Z`, `${c.jobStart}T08:00:00.000Z`, assignmentIds[i]],
      );
    }
    // Rules 1, 2, 3, 4, 6, 9 as set-based SQL; then accept the rest and plan the instalments.
    const fourYearsBefore = isSqlite ? `date(c."jobStart", '-4 years')` : `to_char(to_date(c."jobStart", 'YYYY-MM-DD') - interval '4 years', 'YYYY-MM-DD')`;
    const days = isSqlite
      ? `julianday(MIN(COALESCE(s."toDate", c."jobStart"), date(c."jobStart", '-1 day'))) - julianday(MAX(s."fromDate", ${fourYearsBefore})) + 1`
      : `(LEAST(to_date(COALESCE(s."toDate", c."jobStart"), 'YYYY-MM-DD'), to_date(c."jobStart", 'YYYY-MM-DD') - 1) - GREATEST(to_date(s."fromDate", 'YYYY-MM-DD'), to_date(${fourYearsBefore}, 'YYYY-MM-DD')) + 1)`;
    const plus3m = isSqlite ? `date(c."jobStart", '+3 months')` : `to_char(to_date(c."jobStart", 'YYYY-MM-DD') + interval '3 months', 'YYYY-MM-DD')`;
    const dayAfterEnd = isSqlite ? `date(c."fixedTermEnd", '+1 day')` : `to_char(to_date(c."fixedTermEnd", 'YYYY-MM-DD') + 1, 'YYYY-MM-DD')`;
    await m.query(`UPDATE ${t}placement_claims SET status = 'rejected' WHERE id IN (
      SELECT c.id FROM ${t}placement_claims c JOIN ${t}assignments a ON a.id = c."assignmentId"
      WHERE c."contractDate" < a."validFrom" OR c."contractDate" > a."validUntil" OR c."jobStart" < a."validFrom" OR c."jobStart" > a."validUntil"
         OR a."issuedOn" > c."jobStart" OR c."weeklyHours" < 1500 OR c.insured = ${isSqlite ? 0 : "false"}
         OR (c."fixedTermEnd" IS NOT NULL AND ${dayAfterEnd} < ${plus3m})
         OR c."brokerContractDate" IS NULL OR c."brokerContractDate" >= c."contractDate" OR c."claimedFeeCents" > a."maxFeeCents"
         OR (SELECT COALESCE(SUM(CASE WHEN ${days} > 0 THEN ${days} ELSE 0 END), 0) FROM ${t}employment_spells s WHERE s."clientId" = c."clientId" AND s.insured = ${isSqlite ? 1 : "true"} AND LOWER(s."employerName") = LOWER(c."employerName")) > 90
         OR EXISTS (SELECT 1 FROM ${t}placement_claims o WHERE o."assignmentId" = c."assignmentId" AND o.id < c.id AND o.status <> 'rejected'))`);
    await m.query(`UPDATE ${t}placement_claims SET status = 'accepted' WHERE status = 'submitted'`);
    const plus41 = isSqlite ? `date("jobStart", '+41 days')` : `to_char(to_date("jobStart", 'YYYY-MM-DD') + 41, 'YYYY-MM-DD')`;
    const plus6m = isSqlite ? `date("jobStart", '+6 months', '-1 day')` : `to_char(to_date("jobStart", 'YYYY-MM-DD') + interval '6 months' - interval '1 day', 'YYYY-MM-DD')`;
    const deadline = (reached: string) => (isSqlite ? `date(${reached}, 'start of month', '+7 months', '-1 day')` : `to_char(date_trunc('month', to_date(${reached}, 'YYYY-MM-DD')) + interval '7 months' - interval '1 day', 'YYYY-MM-DD')`);
    for (const [no, reached, same] of [[1, plus41, false], [2, plus6m, true]] as const)
      await m.query(`INSERT INTO ${t}fee_instalments ("claimId", "providerId", number, label, "amountCents", "sameEmployer", "earliestOn", "deadlineOn", status, "closeReason", "updatedAt")
        SELECT id, "providerId", ${no}, 'Rate', 100000, ${isSqlite ? (same ? 1 : 0) : same}, ${reached}, ${deadline(reached)}, 'pending', '', "updatedAt" FROM ${t}placement_claims WHERE status = 'accepted'`);
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const counts = await raw.query(`SELECT status, COUNT(*) AS n FROM ${t}placement_claims GROUP BY status ORDER BY status`);
  console.log(`  (rohes SQL: ${counts.map((c: { status: string; n: number }) => `${c.status} ${c.n}`).join(", ")})`);
  await raw.destroy();
  return ms;
}

async function rawJobBaseline(dir: string, isSqlite: boolean, snapshot: { id: number; status: string; earliestOn: string; deadlineOn: string }[], days: string[]): Promise<number> {
  const raw = await rawDataSource(isSqlite, dir);
  const t = isSqlite ? "" : "bench_raw.";
  const p = (i: number) => (isSqlite ? "?" : `$${i}`);
  await raw.query(`DELETE FROM ${t}fee_instalments`);
  for (let i = 0; i < snapshot.length; i += 300) {
    const chunk = snapshot.slice(i, i + 300);
    const params: unknown[] = [];
    const values = chunk.map((s) => (params.push(s.earliestOn, s.deadlineOn), `(${Number(s.id)}, ${Number(s.id)}, 0, 1, 'Rate', 100000, ${isSqlite ? 0 : "false"}, ${p(params.length - 1)}, ${p(params.length)}, 'pending', '', '')`)).join(",");
    await raw.query(`INSERT INTO ${t}fee_instalments (id, "claimId", "providerId", number, label, "amountCents", "sameEmployer", "earliestOn", "deadlineOn", status, "closeReason", "updatedAt") VALUES ${values}`, params);
  }
  const start = process.hrtime.bigint();
  for (const day of days) {
    await raw.transaction(async (m) => {
      await m.query(`UPDATE ${t}assignments SET status = 'expired' WHERE status = 'active' AND "validUntil" < ${p(1)}`, [day]);
      await m.query(`UPDATE ${t}placement_agreements SET status = 'expired' WHERE status IN ('offered','active','suspended') AND "validUntil" < ${p(1)}`, [day]);
      await m.query(`UPDATE ${t}fee_instalments SET status = 'lapsed', "closedAt" = ${p(1)} WHERE status IN ('pending','due') AND "deadlineOn" < ${p(1)}`, [day]);
      await m.query(`UPDATE ${t}fee_instalments SET status = 'due', "dueAt" = ${p(1)} WHERE status = 'pending' AND "earliestOn" <= ${p(1)}`, [day]);
      const last = isSqlite ? `date(${p(1)}, '-90 days')` : `to_char(to_date(${p(1)}, 'YYYY-MM-DD') - 90, 'YYYY-MM-DD')`;
      await m.query(
        `INSERT INTO ${t}outbox_messages (recipients, subject, body, status, attempts, "createdAt", "nextAttemptAt", "lastError", "attachmentDocumentId") SELECT '["x@example.invalid"]', 'Erinnerung', 'Bitte Bestätigung hochladen', 'pending', 0, ${p(1)}, ${p(1)}, '', NULL FROM ${t}fee_instalments WHERE status = 'due' AND ("lastReminderOn" IS NULL OR "lastReminderOn" <= ${last})`,
        [day],
      );
      await m.query(`UPDATE ${t}fee_instalments SET "lastReminderOn" = ${p(1)} WHERE status = 'due' AND ("lastReminderOn" IS NULL OR "lastReminderOn" <= ${last})`, [day]);
    });
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await raw.destroy();
  return ms;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

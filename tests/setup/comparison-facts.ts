/**
 * Facts for the provider comparison written straight into the tables (issue 12 tests): a measure
 * of a provider and finished participations with their outcome at exit. Every client has the
 * same covariates, so a comparison over these facts has nothing to adjust for.
 */
import { Client, Measure, Outcome, PlacePurchase } from "../../entities";
import { em } from "./db";

let seq = 0;

/** When an outcome is recorded unless a test says otherwise. */
export const DEFAULT_RECORDED_AT = "2031-09-01T10:00:00.000Z";

/** An active measure of a provider (type `typeCode`). */
export async function makeMeasure(providerId: number, typeCode = "training"): Promise<Measure> {
  const n = ++seq;
  const at = new Date().toISOString();
  return (await em()).getRepository(Measure).save({
    reference: `MK-F-${String(n).padStart(5, "0")}`,
    providerId,
    typeCode,
    title: `Maßnahme ${n}`,
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
    weeklyHours: 30,
    capacity: 100,
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
  } as Partial<Measure>);
}

/** One finished participation with its client; `outcome`: the status at exit and when it was recorded. */
export async function participation(measure: Measure, exitDate: string, outcome: { status: string; recordedAt?: string } | null, status = "completed", entryDate = "2031-02-01", requestedById = 1) {
  const m = await em();
  const n = ++seq;
  const at = new Date().toISOString();
  const client = await m.getRepository(Client).save({
    reference: `KF-${String(n).padStart(8, "0")}`,
    firstName: "Vorname",
    lastName: `Name${n}`,
    birthDate: "1980-05-05",
    region: "Kamenz",
    targetGroups: [],
    qualification: "Facharbeiter",
    unemployedSince: "2030-01-01",
    caseManagerId: null,
    createdAt: at,
    updatedAt: at,
  } as Partial<Client>);
  const p = await m.getRepository(PlacePurchase).save({
    reference: `PK-F-${String(n).padStart(6, "0")}`,
    measureId: measure.id,
    providerId: measure.providerId,
    clientId: client.id,
    startDate: entryDate,
    endDate: exitDate,
    status,
    priceModel: "participant",
    priceCents: 300_000,
    proRata: "days",
    eventFees: [],
    hours: null,
    estimatedCents: 300_000,
    budgetLineId: null,
    approvalNeeded: false,
    consentAt: at,
    consentWithdrawnAt: null,
    note: "",
    requestedById,
    requestedAt: at,
    statusReason: "",
    entryDate,
    exitDate,
    exitReason: status === "dropped_out" ? "own_wish" : null,
    exitNote: "",
    createdAt: at,
    updatedAt: at,
  } as Partial<PlacePurchase>);
  if (outcome)
    await m.getRepository(Outcome).save({
      clientId: client.id,
      purchaseId: p.id,
      checkpoint: "exit",
      status: outcome.status,
      employerName: "",
      startDate: outcome.status === "none" ? null : exitDate,
      weeklyHours: null,
      asOf: exitDate,
      note: "",
      recordedById: null,
      recordedAt: outcome.recordedAt ?? DEFAULT_RECORDED_AT,
    } as Partial<Outcome>);
  return p;
}


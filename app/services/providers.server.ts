import { In, type EntityManager, type SelectQueryBuilder } from "typeorm";
import { holdItemsForBankChange } from "./payment-items.server";
import { BankAccount, Certification, ContactPerson, Provider, ProviderChangeRequest, User } from "../../entities";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import {
  bankAccountSchema,
  certificationSchema,
  certificationState,
  contactPersonSchema,
  CERTIFICATION_STATE_LABELS,
  PROVIDER_KIND_LABELS,
  providerContactSchema,
  providerSchema,
  serviceCategoryLabel,
  type BankAccountInput,
  type CertificationInput,
  type CertificationState,
  type ProviderInput,
  type ProviderKind,
} from "~/domain/provider";
import { formatIban } from "~/domain/iban";
import { addDays, formatDate, formatDateTime } from "~/domain/time";
import { parseOrThrow } from "~/domain/validation";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today as berlinToday } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { getSettings } from "~/lib/settings.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { assertProviderAccess } from "./access.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";

// ---------------------------------------------------------------- list, filter, sort, page

export const PROVIDER_SORTS = ["name", "kind", "region", "city", "certUntil", "updatedAt"] as const;
export type ProviderSort = (typeof PROVIDER_SORTS)[number];

export interface ProviderQuery {
  q?: string;
  kind?: string;
  region?: string;
  cert?: string;
  active?: "active" | "inactive" | "all";
  sort?: string;
  dir?: string;
  page?: number;
  pageSize?: number;
}

export interface ProviderRow {
  id: number;
  name: string;
  kind: ProviderKind;
  kindLabel: string;
  legalForm: string;
  city: string;
  region: string;
  vatId: string | null;
  active: boolean;
  certUntil: string | null;
  certState: CertificationState;
  certStateLabel: string;
}

/** Today's date in Berlin and the end of the certificate warning window. */
async function certWindow(manager?: EntityManager) {
  const settings = await getSettings(manager);
  const today = berlinToday();
  return { today, warnUntil: addDays(today, settings["providers.certificateWarningDays"]), warningDays: settings["providers.certificateWarningDays"] };
}

/** The end of the provider's certificate valid today (or NULL), as a correlated subquery on `p`. */
const CURRENT_UNTIL = `(SELECT MAX(c."validUntil") FROM certifications c WHERE c."providerId" = p.id AND c."validFrom" <= :today AND c."validUntil" >= :today)`;

function providerListQuery(manager: EntityManager, query: ProviderQuery, today: string, warnUntil: string): SelectQueryBuilder<Provider> {
  const qb = manager.getRepository(Provider).createQueryBuilder("p");
  const currentUntil = CURRENT_UNTIL;
  const anyCert = qb.subQuery().select("COUNT(*)").from(Certification, "c2").where("c2.providerId = p.id").getQuery();
  qb.setParameters({ today, warnUntil });

  const q = query.q?.trim();
  if (q) {
    qb.andWhere("(LOWER(p.name) LIKE :q OR LOWER(p.city) LIKE :q OR LOWER(COALESCE(p.vatId, '')) LIKE :q OR LOWER(COALESCE(p.externalKey, '')) LIKE :q)", {
      q: `%${q.toLowerCase().replace(/[%_]/g, "")}%`,
    });
  }
  if (query.kind && (["training", "broker", "agency"] as string[]).includes(query.kind)) qb.andWhere("p.kind = :kind", { kind: query.kind });
  if (query.region) qb.andWhere("p.region = :region", { region: query.region });
  const active = query.active ?? "active";
  if (active !== "all") qb.andWhere("p.active = :active", { active: active === "active" });
  switch (query.cert) {
    case "none":
      qb.andWhere(`${anyCert} = 0`);
      break;
    case "expired":
      qb.andWhere(`${anyCert} > 0`).andWhere(`${currentUntil} IS NULL`);
      break;
    case "expiring":
      qb.andWhere(`${currentUntil} <= :warnUntil`);
      break;
    case "valid":
      qb.andWhere(`${currentUntil} > :warnUntil`);
      break;
  }
  return qb;
}

/** One page of the filtered, sorted list; `all: true` returns every matching row (export). */
export async function listProviders(query: ProviderQuery, options: { all?: boolean } = {}): Promise<{ rows: ProviderRow[]; total: number; page: number; pageSize: number; pages: number; sort: ProviderSort; dir: "asc" | "desc" }> {
  const manager = await em();
  const { today, warnUntil, warningDays } = await certWindow(manager);
  const pageSize = options.all ? Number.MAX_SAFE_INTEGER : Math.min(Math.max(query.pageSize ?? 25, 1), 500);
  const qb = providerListQuery(manager, query, today, warnUntil);
  // One COUNT(*) and one page query (the certificate state comes with the row, no third query).
  const counted = await qb.clone().select("COUNT(*)", "n").getRawOne<{ n: string | number }>();
  const total = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pages);
  const sort: ProviderSort = (PROVIDER_SORTS as readonly string[]).includes(query.sort ?? "") ? (query.sort as ProviderSort) : "name";
  const dir = query.dir === "desc" ? "DESC" : "ASC";
  qb.select(["p.id AS id", "p.name AS name", "p.kind AS kind", "p.legalForm AS legal_form", "p.city AS city", "p.region AS region", "p.vatId AS vat_id", "p.active AS active"])
    .addSelect(CURRENT_UNTIL, "cert_until")
    .addSelect("EXISTS (SELECT 1 FROM certifications c3 WHERE c3.\"providerId\" = p.id)", "cert_any");
  if (sort === "certUntil") qb.orderBy("cert_until", dir, dir === "ASC" ? "NULLS FIRST" : "NULLS LAST");
  else if (sort === "name" || sort === "city" || sort === "region") qb.addSelect(germanSortExpression(`p.${sort}`), "sort_key").orderBy("sort_key", dir);
  else qb.orderBy(`p.${sort}`, dir);
  qb.addOrderBy("p.id", "ASC");
  if (!options.all) qb.offset((page - 1) * pageSize).limit(pageSize);
  const raw = await qb.getRawMany<{ id: number; name: string; kind: string; legal_form: string; city: string; region: string; vat_id: string | null; active: boolean | number; cert_until: string | null; cert_any: boolean | number }>();
  const rows = raw.map((p) => {
    const until = p.cert_until ?? null;
    const state: CertificationState = until ? (until <= addDays(today, warningDays) ? "expiring" : "valid") : p.cert_any === true || Number(p.cert_any) > 0 ? "expired" : "none";
    return {
      id: Number(p.id),
      name: p.name,
      kind: p.kind as ProviderKind,
      kindLabel: PROVIDER_KIND_LABELS[p.kind as ProviderKind] ?? p.kind,
      legalForm: p.legal_form,
      city: p.city,
      region: p.region,
      vatId: p.vat_id,
      active: p.active === true || Number(p.active) === 1,
      certUntil: until,
      certState: state,
      certStateLabel: CERTIFICATION_STATE_LABELS[state],
    };
  });
  return { rows, total, page, pageSize, pages, sort, dir: dir === "DESC" ? "desc" : "asc" };
}

/**
 * German alphabetical order in portable SQL (SQLite and PostgreSQL sort by code points):
 * umlauts as their base letter, ß as ss, case ignored ("Görlitz" before "Großröhrsdorf").
 */
export function germanSortExpression(column: string): string {
  let expr = `LOWER(${column})`;
  for (const [from, to] of [["Ä", "a"], ["Ö", "o"], ["Ü", "u"], ["ä", "a"], ["ö", "o"], ["ü", "u"], ["ß", "ss"]]) expr = `REPLACE(${expr}, '${from}', '${to}')`;
  return expr;
}

export async function listRegions(): Promise<string[]> {
  const manager = await em();
  const raw = await manager.getRepository(Provider).createQueryBuilder("p").select("DISTINCT p.region", "region").where("p.region <> ''").orderBy("region").getRawMany<{ region: string }>();
  return raw.map((r) => r.region);
}

/** Certificates that expire within the warning window (for the dashboard and the list's warning). */
export async function expiringCertificates(): Promise<{ providerId: number; providerName: string; certificateNumber: string; validUntil: string }[]> {
  const manager = await em();
  const { today, warnUntil } = await certWindow(manager);
  const raw = await manager
    .getRepository(Certification)
    .createQueryBuilder("c")
    .innerJoin(Provider, "p", "p.id = c.providerId")
    .select(["c.providerId AS \"providerId\"", "p.name AS \"providerName\"", "c.certificateNumber AS \"certificateNumber\"", "c.validUntil AS \"validUntil\""])
    .where("c.validFrom <= :today AND c.validUntil >= :today AND c.validUntil <= :warnUntil", { today, warnUntil })
    .andWhere("p.active = :active", { active: true })
    .andWhere(
      "NOT EXISTS (SELECT 1 FROM certifications c3 WHERE c3.\"providerId\" = c.\"providerId\" AND c3.\"validFrom\" <= :today AND c3.\"validUntil\" > :warnUntil)",
    )
    .orderBy("c.validUntil", "ASC")
    .getRawMany();
  return raw.map((r) => ({ providerId: Number(r.providerId), providerName: r.providerName, certificateNumber: r.certificateNumber, validUntil: r.validUntil }));
}

// ---------------------------------------------------------------- detail

export async function getProvider(user: CurrentUser, id: number) {
  assertProviderAccess(user, id);
  const manager = await em();
  const provider = await manager.getRepository(Provider).findOne({ where: { id } });
  if (!provider) throw new NotFoundError("Der Träger wurde nicht gefunden.");
  const [contacts, certifications, bankAccounts, requests] = await Promise.all([
    manager.getRepository(ContactPerson).find({ where: { providerId: id }, order: { name: "ASC" } }),
    manager.getRepository(Certification).find({ where: { providerId: id }, order: { validUntil: "DESC" } }),
    manager.getRepository(BankAccount).find({ where: { providerId: id }, order: { id: "DESC" } }),
    manager.getRepository(ProviderChangeRequest).find({ where: { providerId: id }, order: { id: "DESC" }, take: 20 }),
  ]);
  const userIds = [...new Set([...bankAccounts.flatMap((b) => [b.changedById, b.requestedById]), ...certifications.map((c) => c.changedById), ...requests.flatMap((r) => [r.requestedById, r.decidedById])].filter((v): v is number => typeof v === "number"))];
  const users = userIds.length ? await manager.getRepository(User).find({ where: { id: In(userIds) } }) : [];
  const nameOf = (uid: number | null) => (uid ? (users.find((u) => u.id === uid)?.name ?? `Benutzer ${uid}`) : "Ersterfassung");
  const { today, warningDays } = await certWindow(manager);
  const state = certificationState(certifications, today, warningDays);
  return {
    provider,
    kindLabel: PROVIDER_KIND_LABELS[provider.kind as ProviderKind] ?? provider.kind,
    certState: state,
    certStateLabel: CERTIFICATION_STATE_LABELS[state],
    contacts,
    certifications: certifications.map((c) => ({ ...c, changedByName: nameOf(c.changedById) })),
    bankAccounts: bankAccounts.map((b) => ({ ...b, ibanFormatted: formatIban(b.iban), changedByName: nameOf(b.changedById), requestedByName: b.requestedById ? nameOf(b.requestedById) : null })),
    requests: requests.map((r) => ({ ...r, requestedByName: nameOf(r.requestedById), decidedByName: nameOf(r.decidedById) })),
  };
}

// ---------------------------------------------------------------- create and edit (staff)

export function snapshot(p: Provider): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
}

export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changed: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = { before: before[key], after: after[key] };
  }
  return changed;
}

async function assertUnique(manager: EntityManager, input: Pick<ProviderInput, "vatId" | "externalKey">, exceptId?: number) {
  if (input.vatId) {
    const other = await manager.getRepository(Provider).findOne({ where: { vatId: input.vatId } });
    if (other && other.id !== exceptId) throw new ValidationError("Diese USt-IdNr. ist bereits vergeben.", { vatId: `Die USt-IdNr. ist bereits bei „${other.name}“ erfasst.` });
  }
  if (input.externalKey) {
    const other = await manager.getRepository(Provider).findOne({ where: { externalKey: input.externalKey } });
    if (other && other.id !== exceptId) throw new ValidationError("Dieser externe Schlüssel ist bereits vergeben.", { externalKey: `Der Schlüssel ist bereits bei „${other.name}“ erfasst.` });
  }
}

export async function createProvider(user: CurrentUser, raw: unknown): Promise<Provider> {
  const input = parseOrThrow(providerSchema, raw);
  return tx(async (m) => {
    await assertUnique(m, input);
    const at = nowIso();
    const provider = await m.getRepository(Provider).save(m.getRepository(Provider).create({ ...input, active: true, createdAt: at, updatedAt: at }));
    await appendAudit(m, actorOf(user), {
      action: "provider.create",
      summary: `Träger „${provider.name}“ angelegt`,
      entityType: "provider",
      entityId: provider.id,
      providerId: provider.id,
      details: { after: snapshot(provider) },
    });
    return provider;
  });
}

export async function updateProvider(user: CurrentUser, id: number, raw: unknown): Promise<Provider> {
  const input = parseOrThrow(providerSchema, raw);
  return tx(async (m) => {
    const provider = await m.getRepository(Provider).findOne({ where: { id } });
    if (!provider) throw new NotFoundError("Der Träger wurde nicht gefunden.");
    await assertUnique(m, input, id);
    const before = snapshot(provider);
    Object.assign(provider, input, { updatedAt: nowIso() });
    const changes = diff(before, snapshot(provider));
    if (Object.keys(changes).length === 0) return provider;
    await m.getRepository(Provider).save(provider);
    await appendAudit(m, actorOf(user), {
      action: "provider.update",
      summary: `Stammdaten von „${provider.name}“ geändert (${Object.keys(changes).join(", ")})`,
      entityType: "provider",
      entityId: id,
      providerId: id,
      details: { changes },
    });
    return provider;
  });
}

export async function setProviderActive(user: CurrentUser, id: number, active: boolean): Promise<void> {
  await tx(async (m) => {
    const provider = await m.getRepository(Provider).findOne({ where: { id } });
    if (!provider) throw new NotFoundError("Der Träger wurde nicht gefunden.");
    if (provider.active === active) return;
    await m.getRepository(Provider).update({ id }, { active, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), {
      action: active ? "provider.reactivate" : "provider.deactivate",
      summary: `Träger „${provider.name}“ ${active ? "wieder aktiviert" : "deaktiviert"}`,
      entityType: "provider",
      entityId: id,
      providerId: id,
    });
  });
}

export async function addContactPerson(user: CurrentUser, providerId: number, raw: unknown): Promise<void> {
  assertProviderAccess(user, providerId);
  const input = parseOrThrow(contactPersonSchema, raw);
  await tx(async (m) => {
    await requireProvider(m, providerId);
    const contact = await m.getRepository(ContactPerson).save(m.getRepository(ContactPerson).create({ ...input, providerId }));
    await appendAudit(m, actorOf(user), {
      action: "provider.contact_add",
      summary: `Kontaktperson „${contact.name}“ hinzugefügt`,
      entityType: "provider",
      entityId: providerId,
      providerId,
      details: { after: input },
    });
  });
}

export async function removeContactPerson(user: CurrentUser, providerId: number, contactId: number): Promise<void> {
  assertProviderAccess(user, providerId);
  await tx(async (m) => {
    const contact = await m.getRepository(ContactPerson).findOne({ where: { id: contactId, providerId } });
    if (!contact) throw new NotFoundError("Die Kontaktperson wurde nicht gefunden.");
    await m.getRepository(ContactPerson).delete({ id: contactId });
    await appendAudit(m, actorOf(user), {
      action: "provider.contact_remove",
      summary: `Kontaktperson „${contact.name}“ entfernt`,
      entityType: "provider",
      entityId: providerId,
      providerId,
      details: { before: { name: contact.name, role: contact.role, email: contact.email, phone: contact.phone } },
    });
  });
}

async function requireProvider(m: EntityManager, id: number): Promise<Provider> {
  const provider = await m.getRepository(Provider).findOne({ where: { id } });
  if (!provider) throw new NotFoundError("Der Träger wurde nicht gefunden.");
  return provider;
}

export async function applyCertification(m: EntityManager, user: CurrentUser, providerId: number, input: CertificationInput, requestedBy?: number) {
  const cert = await m.getRepository(Certification).save(
    m.getRepository(Certification).create({ ...input, providerId, changedAt: nowIso(), changedById: user.id }),
  );
  await appendAudit(m, actorOf(user), {
    action: "provider.certification_add",
    summary: `Trägerzulassung ${cert.certificateNumber} (gültig bis ${formatDate(cert.validUntil)}) erfasst`,
    entityType: "provider",
    entityId: providerId,
    providerId,
    details: { after: input, requestedById: requestedBy ?? null },
  });
}

export async function applyBankAccount(m: EntityManager, user: CurrentUser, providerId: number, input: BankAccountInput, requestedById: number | null) {
  const repo = m.getRepository(BankAccount);
  const previous = await repo.findOne({ where: { providerId, current: true } });
  if (previous) await repo.update({ id: previous.id }, { current: false });
  const account = await repo.save(repo.create({ ...input, providerId, current: true, changedAt: nowIso(), changedById: user.id, requestedById }));
  // Payments already signed for this payee wait until they are signed again with the new account (DOMAIN.md § 3.3).
  await holdItemsForBankChange(m, providerId, account);
  await appendAudit(m, actorOf(user), {
    action: "provider.bank_account_change",
    summary: `Bankverbindung geändert auf ${formatIban(input.iban)}`,
    entityType: "provider",
    entityId: providerId,
    providerId,
    details: {
      before: previous ? { iban: previous.iban, bic: previous.bic, holder: previous.holder } : null,
      after: input,
      requestedById,
    },
  });
}

export async function addCertification(user: CurrentUser, providerId: number, raw: unknown): Promise<void> {
  const input = parseOrThrow(certificationSchema, raw);
  await tx(async (m) => {
    await requireProvider(m, providerId);
    await applyCertification(m, user, providerId, input);
  });
}

export async function removeCertification(user: CurrentUser, providerId: number, certificationId: number): Promise<void> {
  await tx(async (m) => {
    const cert = await m.getRepository(Certification).findOne({ where: { id: certificationId, providerId } });
    if (!cert) throw new NotFoundError("Die Zulassung wurde nicht gefunden.");
    await m.getRepository(Certification).delete({ id: certificationId });
    await appendAudit(m, actorOf(user), {
      action: "provider.certification_remove",
      summary: `Trägerzulassung ${cert.certificateNumber} entfernt`,
      entityType: "provider",
      entityId: providerId,
      providerId,
      details: { before: { certifyingBody: cert.certifyingBody, certificateNumber: cert.certificateNumber, validFrom: cert.validFrom, validUntil: cert.validUntil, scope: cert.scope } },
    });
  });
}

export async function setBankAccount(user: CurrentUser, providerId: number, raw: unknown): Promise<void> {
  const input = parseOrThrow(bankAccountSchema, raw);
  await tx(async (m) => {
    await requireProvider(m, providerId);
    await applyBankAccount(m, user, providerId, input, null);
  });
}

// ---------------------------------------------------------------- portal: own organisation

export async function updateOwnContactData(user: CurrentUser, raw: unknown): Promise<void> {
  if (!user.providerId) throw new NotFoundError();
  const providerId = user.providerId;
  const input = parseOrThrow(providerContactSchema, raw);
  await tx(async (m) => {
    const provider = await requireProvider(m, providerId);
    const before = { street: provider.street, postalCode: provider.postalCode, city: provider.city, email: provider.email, phone: provider.phone };
    const changes = diff(before, input);
    if (Object.keys(changes).length === 0) return;
    await m.getRepository(Provider).update({ id: providerId }, { ...input, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), {
      action: "provider.contact_data_update",
      summary: `Kontaktdaten von „${provider.name}“ im Portal geändert`,
      entityType: "provider",
      entityId: providerId,
      providerId,
      details: { changes },
    });
  });
}

export const CHANGE_KINDS = { bank_account: "Bankverbindung", certification: "Trägerzulassung" } as const;
export type ChangeKind = keyof typeof CHANGE_KINDS;

/** A provider user asks for a change of bank data or certification; staff confirm it. */
export async function requestChange(user: PersonUser, kind: ChangeKind, raw: unknown): Promise<ProviderChangeRequest> {
  if (!user.providerId) throw new NotFoundError();
  const providerId = user.providerId;
  const payload = kind === "bank_account" ? parseOrThrow(bankAccountSchema, raw) : parseOrThrow(certificationSchema, raw);
  return tx(async (m) => {
    const provider = await requireProvider(m, providerId);
    const request = await m.getRepository(ProviderChangeRequest).save(
      m.getRepository(ProviderChangeRequest).create({
        providerId,
        kind,
        payload: payload as Record<string, unknown>,
        status: "pending",
        requestedById: user.id,
        requestedAt: nowIso(),
        decidedById: null,
        decidedAt: null,
        decisionNote: "",
      }),
    );
    await appendAudit(m, actorOf(user), {
      action: "provider.change_request",
      summary: `Änderung der ${CHANGE_KINDS[kind]} von „${provider.name}“ beantragt`,
      entityType: "provider_change_request",
      entityId: request.id,
      providerId,
      details: { kind, payload },
    });
    return request;
  });
}

export async function listChangeRequests(status: "pending" | "all" = "pending") {
  const manager = await em();
  const rows = await manager.getRepository(ProviderChangeRequest).find({ where: status === "pending" ? { status: "pending" } : {}, order: { id: "DESC" }, take: 200 });
  const providers = rows.length ? await manager.getRepository(Provider).find({ where: { id: In([...new Set(rows.map((r) => r.providerId))]) } }) : [];
  const users = rows.length ? await manager.getRepository(User).find({ where: { id: In([...new Set(rows.map((r) => r.requestedById))]) } }) : [];
  return rows.map((r) => ({
    ...r,
    kindLabel: CHANGE_KINDS[r.kind as ChangeKind] ?? r.kind,
    providerName: providers.find((p) => p.id === r.providerId)?.name ?? "–",
    requestedByName: users.find((u) => u.id === r.requestedById)?.name ?? "–",
    payloadText: describePayload(r.kind, r.payload),
  }));
}

function describePayload(kind: string, payload: Record<string, unknown>): string {
  if (kind === "bank_account") return `IBAN ${formatIban(String(payload.iban))}${payload.bic ? `, BIC ${payload.bic}` : ""}, Inhaber ${payload.holder}`;
  return `${payload.certifyingBody}, Nr. ${payload.certificateNumber}, gültig ${formatDate(String(payload.validFrom))} bis ${formatDate(String(payload.validUntil))}${payload.scope ? `, ${payload.scope}` : ""}`;
}

/** Staff confirm or reject a provider's change request. The requester cannot confirm it. */
export async function decideChangeRequest(user: CurrentUser, id: number, approve: boolean, note: string): Promise<void> {
  await tx(async (m) => {
    const request = await m.getRepository(ProviderChangeRequest).findOne({ where: { id } });
    if (!request) throw new NotFoundError("Der Änderungsantrag wurde nicht gefunden.");
    if (request.status !== "pending") throw new ConflictError("Über diesen Antrag wurde bereits entschieden.");
    if (request.requestedById === user.id) throw new ConflictError("Sie können Ihren eigenen Antrag nicht bestätigen.");
    if (!approve && !note.trim()) throw new ValidationError("Bitte begründen Sie die Ablehnung.", { note: "Bitte begründen Sie die Ablehnung." });
    const result = await m
      .getRepository(ProviderChangeRequest)
      .update({ id, status: "pending" }, { status: approve ? "approved" : "rejected", decidedById: user.id, decidedAt: nowIso(), decisionNote: note.trim().slice(0, 500) });
    if (!result.affected) throw new ConflictError("Über diesen Antrag wurde bereits entschieden.");
    if (approve) {
      if (request.kind === "bank_account") await applyBankAccount(m, user, request.providerId, parseOrThrow(bankAccountSchema, request.payload), request.requestedById);
      else await applyCertification(m, user, request.providerId, parseOrThrow(certificationSchema, request.payload), request.requestedById);
    }
    const provider = await requireProvider(m, request.providerId);
    const requester = await m.getRepository(User).findOne({ where: { id: request.requestedById } });
    const recipients = [...new Set([requester?.active ? requester.email : "", provider.email].filter(Boolean))];
    if (recipients.length) {
      const what = CHANGE_KINDS[request.kind as ChangeKind];
      await enqueueTemplateMail(m, {
        to: recipients,
        template: "mail-change-request-decided",
        data: {
          what,
          outcome: approve ? "bestätigt" : "abgelehnt",
          requestedAt: formatDateTime(request.requestedAt),
          providerName: provider.name,
          outcomeSentence: approve ? "bestätigt. Die neuen Angaben gelten ab sofort." : "abgelehnt.",
          noteLine: note.trim() ? `\n\nVermerk des Jobcenters: ${note.trim()}` : "",
        },
      });
    }
    await appendAudit(m, actorOf(user), {
      action: approve ? "provider.change_approve" : "provider.change_reject",
      summary: `${CHANGE_KINDS[request.kind as ChangeKind]}: Antrag ${approve ? "bestätigt" : "abgelehnt"}`,
      entityType: "provider_change_request",
      entityId: id,
      providerId: request.providerId,
      details: { note: note.trim() || null },
    });
  });
}

export function describeProviderForSheet(detail: Awaited<ReturnType<typeof getProvider>>) {
  const p = detail.provider;
  return {
    name: p.name,
    kindLabel: detail.kindLabel,
    legalForm: p.legalForm || "–",
    address: [p.street, `${p.postalCode} ${p.city}`.trim()].filter(Boolean).join(", ") || "–",
    region: p.region || "–",
    vatId: p.vatId ?? "–",
    serviceCategories: p.serviceCategories.map(serviceCategoryLabel).join(", ") || "–",
    tradeRegistrationDate: p.tradeRegistrationDate ? formatDate(p.tradeRegistrationDate) : "–",
    certificationState: detail.certStateLabel,
    contacts: detail.contacts.map((c) => ({ name: c.name, role: c.role || "–", email: c.email || "–", phone: c.phone || "–" })),
    certifications: detail.certifications.map((c) => ({ body: c.certifyingBody, number: c.certificateNumber, validFrom: formatDate(c.validFrom), validUntil: formatDate(c.validUntil), scope: c.scope || "–" })),
    generatedAt: formatDateTime(nowIso()),
  };
}

import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ValidationError } from "~/domain/errors";
import { formatIban } from "~/domain/iban";
import { formatCents } from "~/domain/money";
import { addDays, formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { readUploadForm } from "~/lib/uploads.server";
import { proveInstalment, reportEmploymentEnd } from "~/services/instalments.server";
import { addClaimDocuments, CLAIM_DOCUMENT_KINDS, getClaim, withdrawClaim, type ClaimDocumentKind, type UploadedFile } from "~/services/placement-claims.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";
import { CLAIM_BADGE, INSTALMENT_BADGE } from "~/ui/staff-placement";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data ? `${data.claim.reference} – Vermittlungsnachweis` : "Vermittlungsnachweis",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "submit:placement:own");
  const d = await getClaim(user, idParam(params.id)).catch(loaderError);
  const c = d.claim;
  // Only what the broker needs on this page (no internal ids, no staff-only markers).
  return json({
    claim: {
      id: c.id,
      reference: c.reference,
      status: c.status,
      statusLabel: c.statusLabel,
      legalBasisLabel: c.legalBasisLabel,
      channel: c.channel,
      employerName: c.employerName,
      employerStreet: c.employerStreet,
      employerPostalCode: c.employerPostalCode,
      employerCity: c.employerCity,
      employerVatId: c.employerVatId,
      employerIban: c.employerIban,
      employerManager: c.employerManager,
      abroad: c.abroad,
      contractDate: c.contractDate,
      jobStart: c.jobStart,
      hours: c.hours,
      insured: c.insured,
      fixedTermEnd: c.fixedTermEnd,
      occupation: c.occupation,
      brokerContractDate: c.brokerContractDate,
      jobOfferDate: c.jobOfferDate,
      claimedFeeCents: c.claimedFeeCents,
      submittedAt: c.submittedAt,
      decidedAt: c.decidedAt,
      decisionNote: c.decisionNote,
      employmentEndedOn: c.employmentEndedOn,
    },
    errors: d.results.filter((r) => r.severity === "error"),
    assignment: d.assignment,
    client: { reference: d.client.reference, name: d.client.name },
    documents: d.documents,
    letters: d.letters,
    instalments: d.instalments.map((i) => ({
      id: i.id,
      number: i.number,
      label: i.label,
      amountCents: i.amountCents,
      sameEmployer: i.sameEmployer,
      earliestOn: i.earliestOn,
      deadlineOn: i.deadlineOn,
      status: i.status,
      statusLabel: i.statusLabel,
      confirmedUntil: i.confirmedUntil,
      closeReason: i.closeReason,
    })),
    maxMegabytes: await getSetting("uploads.maxMegabytes"),
    // Labels from the (server-only) service module, for the upload form.
    kindLabels: CLAIM_DOCUMENT_KINDS as Record<string, string>,
  });
}

async function upload(form: FormData, name: string): Promise<UploadedFile | null> {
  const f = form.get(name);
  return f instanceof File && f.size > 0 ? { filename: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : null;
}

type ActionResult = {
  intent: string;
  instalmentId: string | null;
  ok: false;
  formError: string;
  fieldErrors: Record<string, string>;
  values: Record<string, unknown>;
  issues: unknown;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "submit:placement:own");
  const id = idParam(params.id);
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  // An oversize file becomes a field error of the form it came from; what was typed comes back with it.
  const { form, values, uploadError, headers } = await readUploadForm(request, { maxBytes, files: ["file"] });
  const intent = values.intent ?? "";
  const back = `/portal/placements/${id}`;
  try {
    if (uploadError) throw uploadError;
    if (intent === "documents") {
      const kind = values.kind;
      if (!kind || !(kind in CLAIM_DOCUMENT_KINDS))
        throw new ValidationError("Bitte wählen Sie die Art der Unterlage.", {
          kind: "Bitte die Art der Unterlage wählen.",
        });
      const file = await upload(form, "file");
      await addClaimDocuments(user, id, file ? [{ kind: kind as ClaimDocumentKind, file }] : []);
      return redirectWithFlash(back, `Die Unterlage „${CLAIM_DOCUMENT_KINDS[kind as ClaimDocumentKind]}“ wurde nachgereicht.`);
    }
    if (intent === "withdraw") {
      await withdrawClaim(user, id);
      return redirectWithFlash(back, "Der Vermittlungsnachweis wurde zurückgezogen.");
    }
    if (intent === "prove") {
      const i = await proveInstalment(user, Number(values.instalmentId), values, await upload(form, "file"));
      return redirectWithFlash(back, `Die Bestätigung des Arbeitgebers für die ${i.number}. Rate liegt vor; die Rate (${formatCents(i.amountCents)}) ist verdient und wird zur Zahlung geprüft.`);
    }
    if (intent === "end") {
      const { cancelled } = await reportEmploymentEnd(user, id, values);
      return redirectWithFlash(
        back,
        `Das Ende der Beschäftigung wurde gemeldet.${cancelled ? ` ${cancelled === 1 ? "Eine Rate entfällt" : `${cancelled} Raten entfallen`}, weil die nötige Dauer nicht erreicht wurde.` : ""}`
      );
    }
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    const failure = actionError(error, values);
    const body = (await failure.json()) as Omit<ActionResult, "intent" | "instalmentId">;
    const result: ActionResult = {
      ...body,
      intent,
      instalmentId: values.instalmentId ?? null,
    };
    return json(result, { status: failure.status, headers });
  }
}

const UPLOAD_KINDS = ["employment_contract", "employer_confirmation", "broker_contract", "other"];

export default function PortalPlacement() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const c = d.claim;
  const open = c.status === "submitted" || c.status === "documents_requested";
  const err = (intent: string) => (a?.intent === intent ? a.fieldErrors : {});
  const val = (intent: string) => (a?.intent === intent ? (a.values as Record<string, string>) : {});
  const hasKind = (kind: string) => d.documents.some((doc) => doc.kind === kind);
  const missing = ["employment_contract", "employer_confirmation"].filter((k) => !hasKind(k));
  return (
    <>
      <p>
        <Link to="/portal/placements">« Vermittlungsnachweise</Link>
      </p>
      <h1>
        Vermittlungsnachweis {c.reference} <span className={`badge ${CLAIM_BADGE[c.status] ?? ""}`}>{c.statusLabel}</span>
      </h1>
      {a?.intent === "upload" || (a && !["documents", "withdraw", "prove", "end"].includes(a.intent)) ? <FormError message={a.formError} /> : null}
      {a?.intent === "withdraw" ? <FormError message={a.formError} /> : null}

      {c.status === "rejected" ? (
        <div className="alert alert-error" role="alert" id="rejection">
          <strong>
            Der Nachweis wurde abgelehnt
            {c.decidedAt ? ` (${formatDateTime(c.decidedAt)})` : ""}.
          </strong>{" "}
          Ein Vergütungsanspruch besteht aus folgenden Gründen nicht:
          <ul>{d.errors.length ? d.errors.map((r) => <li key={r.code + r.message}>{r.message}</li>) : <li>{c.decisionNote || "Siehe Bescheid."}</li>}</ul>
          {d.errors.length && c.decisionNote && !d.errors.some((r) => c.decisionNote.includes(r.message)) ? <p>Vermerk: {c.decisionNote}</p> : null}
          {d.letters.length ? (
            <p>
              {d.letters.map((l) => (
                <a key={l.id} href={`/documents/${l.id}`}>
                  {l.title} (PDF)
                </a>
              ))}
            </p>
          ) : null}
          <p>Gegen den Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden.</p>
        </div>
      ) : null}
      {c.status === "documents_requested" ? (
        <div className="alert alert-warn" role="status">
          <strong>Es fehlen Unterlagen.</strong> {c.decisionNote} Bitte reichen Sie sie unten nach; danach wird der Nachweis weiter geprüft.
        </div>
      ) : null}
      {c.status === "accepted" ? (
        <div className="alert alert-ok" role="status">
          Der Nachweis ist anerkannt
          {c.decidedAt ? ` (${formatDateTime(c.decidedAt)})` : ""}. Die Vergütung wird in Raten gezahlt, sobald Sie die jeweilige Beschäftigungsdauer mit einer Bestätigung des Arbeitgebers nachweisen.
        </div>
      ) : null}
      {c.status === "submitted" ? <p className="muted">Der Nachweis ist eingegangen ({formatDateTime(c.submittedAt)}) und wird vom Arbeits- und Sozialzentrum geprüft.</p> : null}

      <div className="grid">
        <section className="panel" aria-labelledby="h-data">
          <h2 id="h-data">Angaben</h2>
          <dl className="facts">
            <dt>Kunde</dt>
            <dd>
              <span className="mono">{d.client.reference}</span>
              {d.client.name ? ` – ${d.client.name}` : ""}
            </dd>
            <dt>Zuweisung</dt>
            <dd>
              <span className="mono">{d.assignment.reference}</span>, gültig {formatDate(d.assignment.validFrom)} – {formatDate(d.assignment.validUntil)}, ausgestellt {formatDate(d.assignment.issuedOn)}
            </dd>
            <dt>Rechtsgrundlage</dt>
            <dd>{c.legalBasisLabel}</dd>
            <dt>Arbeitgeber</dt>
            <dd>
              {c.employerName}, {c.employerStreet}, {c.employerPostalCode} {c.employerCity}
              {c.abroad ? " (EU/EWR-Ausland)" : ""}
            </dd>
            {c.employerVatId ? (
              <>
                <dt>USt-IdNr.</dt>
                <dd className="mono">{c.employerVatId}</dd>
              </>
            ) : null}
            {c.employerIban ? (
              <>
                <dt>IBAN des Arbeitgebers</dt>
                <dd className="mono">{formatIban(c.employerIban)}</dd>
              </>
            ) : null}
            {c.employerManager ? (
              <>
                <dt>Geschäftsführer/Inhaber</dt>
                <dd>{c.employerManager}</dd>
              </>
            ) : null}
            <dt>Tätigkeit</dt>
            <dd>{c.occupation}</dd>
            <dt>Arbeitsvertrag vom</dt>
            <dd>{formatDate(c.contractDate)}</dd>
            <dt>Beschäftigungsbeginn</dt>
            <dd>{formatDate(c.jobStart)}</dd>
            <dt>Arbeitszeit</dt>
            <dd>
              {c.hours} wöchentlich, {c.insured ? "sozialversicherungspflichtig" : "nicht sozialversicherungspflichtig"}
            </dd>
            <dt>Befristung</dt>
            <dd>{c.fixedTermEnd ? `bis ${formatDate(c.fixedTermEnd)}` : "unbefristet"}</dd>
            <dt>Vermittlungsvertrag vom</dt>
            <dd>{formatDate(c.brokerContractDate)}</dd>
            <dt>Stellenangebot vom</dt>
            <dd>{formatDate(c.jobOfferDate)}</dd>
            <dt>Vergütung</dt>
            <dd>
              {formatCents(c.claimedFeeCents)} <span className="muted">(Zuweisung höchstens {formatCents(d.assignment.maxFeeCents)})</span>
            </dd>
            <dt>Eingang</dt>
            <dd>
              {formatDateTime(c.submittedAt)} ({c.channel === "api" ? "Schnittstelle" : "Portal"})
            </dd>
            {c.employmentEndedOn ? (
              <>
                <dt>Beschäftigung endete</dt>
                <dd>{formatDate(c.employmentEndedOn)}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-rules">
          <h2 id="h-rules">Prüfung bei Eingang</h2>
          {d.errors.length === 0 ? <p>Keine Prüfregel verletzt.</p> : null}
          {d.errors.length ? (
            <>
              <h3>Ablehnungsgründe</h3>
              <ul>
                {d.errors.map((r) => (
                  <li key={r.code + r.message} className="error">
                    {r.message}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Bescheide und Schreiben</h3>
          {d.letters.length === 0 ? <p className="muted">Noch keine.</p> : null}
          <ul>
            {d.letters.map((l) => (
              <li key={l.id}>
                <a href={`/documents/${l.id}`}>{l.title}</a> <span className="muted">({formatDateTime(l.createdAt)})</span>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section className="panel" aria-labelledby="h-docs">
        <h2 id="h-docs">Unterlagen</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Art</th>
              <th scope="col">Datei</th>
              <th scope="col">Hochgeladen</th>
            </tr>
          </thead>
          <tbody>
            {d.documents.length === 0 ? (
              <tr>
                <td colSpan={3} className="muted">
                  Keine Unterlagen.
                </td>
              </tr>
            ) : null}
            {d.documents.map((doc) => (
              <tr key={`${doc.id}-${doc.kind}`}>
                <td>{doc.kindLabel}</td>
                <td>
                  <a href={`/documents/${doc.id}`}>{doc.filename || "PDF"}</a>
                </td>
                <td>{formatDateTime(doc.uploadedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {open ? (
          <>
            <h3>Unterlagen nachreichen</h3>
            <Form method="post" encType="multipart/form-data" className="form" noValidate key={d.documents.length}>
              {missing.length ? <p className="alert alert-warn">Es fehlen noch: {missing.map((k) => d.kindLabels[k]).join(", ")}.</p> : null}
              {a?.intent === "documents" ? <FormError message={a.formError} /> : null}
              <div className="form-grid">
                <div className={`field${err("documents").kind ? " field-error" : ""}`}>
                  <label htmlFor="doc-kind">Art der Unterlage</label>
                  <select id="doc-kind" name="kind" defaultValue={val("documents").kind ?? missing[0] ?? "other"}>
                    {UPLOAD_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {d.kindLabels[k]}
                      </option>
                    ))}
                  </select>
                  {err("documents").kind ? <div className="error">{err("documents").kind}</div> : null}
                </div>
                <div className={`field${Object.keys(err("documents")).some((k) => k !== "kind") ? " field-error" : ""}`}>
                  <label htmlFor="doc-file">Datei (PDF, höchstens {d.maxMegabytes} MB)</label>
                  <input id="doc-file" name="file" type="file" accept="application/pdf,.pdf" />
                  {Object.entries(err("documents"))
                    .filter(([k]) => k !== "kind")
                    .map(([k, m]) => (
                      <div key={k} className="error">
                        {String(m)}
                      </div>
                    ))}
                </div>
              </div>
              <button type="submit" name="intent" value="documents" className="button" disabled={busy}>
                Hochladen
              </button>
            </Form>
          </>
        ) : null}
      </section>

      {d.instalments.length ? (
        <section className="panel" aria-labelledby="h-instalments">
          <h2 id="h-instalments">Raten</h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Rate</th>
                <th scope="col" className="num">
                  Betrag
                </th>
                <th scope="col">Nachweis ab</th>
                <th scope="col">Nachweis bis</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {d.instalments.map((i) => (
                <tr key={i.id}>
                  <td>{i.label}</td>
                  <td className="num">{formatCents(i.amountCents)}</td>
                  <td>{formatDate(i.earliestOn)}</td>
                  <td>{formatDate(i.deadlineOn)}</td>
                  <td>
                    <span className={`badge ${INSTALMENT_BADGE[i.status] ?? ""}`}>{i.statusLabel}</span>
                    {i.confirmedUntil ? <div className="muted">bestätigt bis {formatDate(i.confirmedUntil)}</div> : null}
                    {i.closeReason ? <div className="muted">{i.closeReason}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.instalments.some((i) => i.status === "pending" || i.status === "due") ? <h3>Bestätigungen des Arbeitgebers hochladen</h3> : null}
          <div className="grid">
            {d.instalments
              .filter((i) => i.status === "pending" || i.status === "due")
              .map((i) => {
                const mine = a?.intent === "prove" && a.instalmentId === String(i.id);
                const errors = mine ? a.fieldErrors : {};
                const values = mine ? (a.values as Record<string, string>) : {};
                return (
                  <Form key={i.id} method="post" encType="multipart/form-data" className="form" noValidate>
                    <h4>{i.number}. Rate</h4>
                    <p className="muted">
                      {i.sameEmployer ? "Der Arbeitgeber bestätigt eine ununterbrochene Beschäftigung beim selben Arbeitgeber" : "Der Arbeitgeber bestätigt eine ununterbrochene Beschäftigung"} bis mindestens{" "}
                      {formatDate(addDays(i.earliestOn, -1))}; einzureichen ab {formatDate(i.earliestOn)} bis {formatDate(i.deadlineOn)}.
                    </p>
                    {mine ? <FormError message={a.formError} /> : null}
                    <input type="hidden" name="instalmentId" value={i.id} />
                    <div className="form-grid">
                      <Field idPrefix={`i${i.id}`} name="confirmedUntil" label="Beschäftigung bestätigt bis" type="date" required defaultValue={values.confirmedUntil} error={errors.confirmedUntil} />
                      <div className={`field${errors.file ? " field-error" : ""}`}>
                        <label htmlFor={`i${i.id}-file`}>Bestätigung (PDF)</label>
                        <input id={`i${i.id}-file`} name="file" type="file" accept="application/pdf,.pdf" />
                        {errors.file ? <div className="error">{errors.file}</div> : null}
                      </div>
                    </div>
                    <div className="field checks">
                      <label>
                        <input type="checkbox" name="uninterrupted" defaultChecked={mine ? values.uninterrupted === "on" : false} /> ununterbrochen beschäftigt
                      </label>
                      {i.sameEmployer ? (
                        <label>
                          <input type="checkbox" name="sameEmployer" defaultChecked={mine ? values.sameEmployer === "on" : false} /> beim selben Arbeitgeber
                        </label>
                      ) : null}
                    </div>
                    <button type="submit" name="intent" value="prove" className="button" disabled={busy}>
                      Bestätigung hochladen
                    </button>
                  </Form>
                );
              })}
          </div>
        </section>
      ) : null}

      {c.status === "accepted" ? (
        <section className="panel" aria-labelledby="h-end">
          <h2 id="h-end">Ende der Beschäftigung melden</h2>
          <p className="muted">Endet die Beschäftigung, bevor die Dauer für eine Rate erreicht ist, entfällt diese Rate.</p>
          <Form method="post" className="form narrow" noValidate>
            {a?.intent === "end" ? <FormError message={a.formError} /> : null}
            <Field idPrefix="end" name="endedOn" label="Letzter Tag der Beschäftigung" type="date" required defaultValue={val("end").endedOn} error={err("end").endedOn} />
            <SubmitButton intent="end" danger confirm="Ende der Beschäftigung verbindlich melden?">
              Ende der Beschäftigung melden
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {open ? (
        <Form method="post">
          <SubmitButton intent="withdraw" danger confirm="Den Vermittlungsnachweis zurückziehen? Das kann nicht rückgängig gemacht werden.">
            Nachweis zurückziehen
          </SubmitButton>
        </Form>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;

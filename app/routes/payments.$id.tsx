import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { SIGNATURE_LABELS, type Signature } from "~/domain/payment-item.machine";
import { can } from "~/domain/permissions";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { VOP_LABELS, type VopResult } from "~/domain/vop";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { invoiceForItem } from "~/services/invoices.server";
import { assignBudgetLine, bookByHand, cancelItem, correctItem, getPaymentItem, paymentOrderDocument, recordVop, signItems } from "~/services/payment-items.server";
import { budgetLines } from "~/services/budget.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton, TextArea } from "~/ui/form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Zahlung ${data.item.reference}` : "Zahlung" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const detail = await getPaymentItem(user, idParam(params.id)).catch(loaderError);
  const invoice = detail.invoice ? await invoiceForItem(user, detail.item.id) : null;
  const lines = ["awaiting_factual", "on_hold"].includes(detail.item.status) && can(user.role, "certify:payment:any") ? (await budgetLines(true)).map((l) => ({ id: l.id, label: `${l.number} – ${l.title}` })) : [];
  return json({
    ...detail,
    lines,
    invoiceCheck: invoice,
    may: {
      certify: can(user.role, "certify:payment:any"),
      order: can(user.role, "order:payment:any"),
      cancel: can(user.role, "cancel:payment:any"),
      book: can(user.role, "book:payment:any"),
      vop: can(user.role, "run:payment:any"),
    },
  });
}

const SIGN_INTENTS: Record<string, Signature> = { sign_factual: "factual", sign_arithmetic: "arithmetic", order: "order" };

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const user = await requirePermission(request, "read:payable:any");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  try {
    if (SIGN_INTENTS[intent]) {
      const signature = SIGN_INTENTS[intent];
      const signer = await requirePermission(request, signature === "order" ? "order:payment:any" : "certify:payment:any");
      const outcome = await signItems(signer, [id], signature);
      if (outcome.refused.length) return json({ intent, formError: outcome.refused[0].reason, fieldErrors: {}, values }, { status: 422 });
      return redirectWithFlash(`/payments/${id}`, `„${SIGNATURE_LABELS[signature]}“ gezeichnet.`);
    }
    if (intent === "cancel") {
      await cancelItem(await requirePermission(request, "cancel:payment:any"), id, String(values.reason ?? ""));
      return redirectWithFlash(`/payments/${id}`, "Die Zahlung wurde storniert.");
    }
    if (intent === "correct") {
      const next = await correctItem(await requirePermission(request, "cancel:payment:any"), id, values);
      return redirectWithFlash(`/payments/${next.id}`, `Die Zahlung wurde storniert und durch ${next.reference} ersetzt; sie braucht alle drei Zeichnungen neu.`);
    }
    if (intent === "book") {
      await bookByHand(await requirePermission(request, "book:payment:any"), id, values);
      return redirectWithFlash(`/payments/${id}`, "Die Zahlung ist als ausgezahlt gebucht.");
    }
    if (intent === "line") {
      await assignBudgetLine(await requirePermission(request, "certify:payment:any"), id, values.budgetLineId);
      return redirectWithFlash(`/payments/${id}`, "Die Haushaltsstelle ist zugeordnet.");
    }
    if (intent === "order-pdf") {
      // Payment orders signed before their PDF was stored (or the demo's history): rendered once, then kept.
      const docId = await paymentOrderDocument(user, id);
      return redirect(`/documents/${docId}`);
    }
    if (intent === "vop") {
      await recordVop(await requirePermission(request, "run:payment:any"), [id], String(values.result ?? ""), String(values.suggestedName ?? ""));
      return redirectWithFlash(`/payments/${id}`, "Das Ergebnis der Empfängerüberprüfung ist erfasst.");
    }
    void user;
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    if (error instanceof Response) throw error;
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

type Action = { intent: string; formError?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> };

export default function PaymentDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as Action | undefined;
  const it = d.item;
  const action = (e: string) => d.actions.find((x) => x.event === e)!;
  const errorFor = (intent: string) => (a?.intent === intent ? a : undefined);
  const open = ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"].includes(it.status);
  return (
    <>
      <p>
        <Link to="/payments">« Zahlungen</Link>
      </p>
      <h1>
        Zahlung {it.reference} <span className={`badge ${it.status === "paid" ? "ok" : it.status === "on_hold" ? "err" : it.status === "cancelled" ? "" : "warn"}`}>{it.statusLabel}</span>
      </h1>
      {it.holdReason ? (
        <div className="alert alert-warn" role="status">
          {it.holdReason}
        </div>
      ) : null}
      {d.invoiceCheck && it.status === "awaiting_factual" ? (
        <section className="panel" aria-labelledby="h-factual">
          <h2 id="h-factual">Für die sachliche Prüfung</h2>
          <dl className="facts">
            <dt>Rechnung</dt>
            <dd>
              <Link to={d.invoiceCheck.href}>
                {d.invoiceCheck.number} ({d.invoiceCheck.reference})
              </Link>
              {d.invoiceCheck.viewPdfHref ? (
                <>
                  {" · "}
                  <a href={d.invoiceCheck.viewPdfHref}>lesbare Ansicht (PDF)</a>
                </>
              ) : null}
            </dd>
            <dt>Vertrag</dt>
            <dd>{d.invoiceCheck.contract ? d.invoiceCheck.contract.reference : "keiner zugeordnet – bitte auf der Rechnungsseite wählen"}</dd>
            <dt>Vertraglich zulässig</dt>
            <dd>{d.invoiceCheck.expectedCents !== null ? formatCents(d.invoiceCheck.expectedCents) : "nicht berechenbar"}</dd>
            <dt>Rechnungsbetrag (brutto)</dt>
            <dd>{formatCents(d.invoiceCheck.grossCents)}</dd>
          </dl>
          {d.invoiceCheck.deviation ? (
            <div className="alert alert-warn" role="status">
              Abweichung: {d.invoiceCheck.deviation}
            </div>
          ) : (
            <p className="muted">Keine Abweichung zum Vertrag festgestellt.</p>
          )}
        </section>
      ) : null}
      {it.ibanProblem ? (
        <div className="alert alert-error" role="status">
          BR-DE-19: Die IBAN ist fehlerhaft ({it.ibanProblem}). Die Zahlung kann erst nach einer Korrektur (Storno und neue Zahlung) angeordnet werden.
        </div>
      ) : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-payee">
          <h2 id="h-payee">Zahlung</h2>
          <dl className="facts">
            <dt>Zahlungsempfänger</dt>
            <dd>{d.provider ? <Link to={`/providers/${d.provider.id}`}>{it.payeeName}</Link> : it.payeeName}</dd>
            <dt>IBAN / BIC</dt>
            <dd className="mono">
              {it.ibanFormatted}
              {it.bic ? ` · ${it.bic}` : ""}
            </dd>
            <dt>Betrag</dt>
            <dd>
              <strong>{formatCents(it.amountCents)}</strong>
            </dd>
            <dt>fällig am</dt>
            <dd>{formatDate(it.dueOn)}</dd>
            <dt>Verwendungszweck</dt>
            <dd>{it.purpose}</dd>
            <dt>End-to-End-ID</dt>
            <dd className="mono">{it.endToEndId}</dd>
            <dt>Grundlage</dt>
            <dd>
              {d.invoice ? (
                <Link to={`/invoices/${d.invoice.id}`}>
                  Rechnung {d.invoice.number} ({d.invoice.reference})
                </Link>
              ) : d.instalment ? (
                <Link to={`/placements/${d.instalment.claimId}`}>
                  {d.instalment.number}. Rate zu {d.instalment.claimReference}
                </Link>
              ) : (
                "–"
              )}
            </dd>
            <dt>Haushaltsstelle</dt>
            <dd>
              {d.line ? `${d.line.number} – ${d.line.title}` : <strong>keine zugeordnet</strong>}
              {d.lines.length ? (
                <Form method="post" className="inline-form">
                  <label htmlFor="f-budgetLineId" className="sr-only">
                    Haushaltsstelle
                  </label>
                  <select id="f-budgetLineId" name="budgetLineId" defaultValue={d.line?.id ?? ""} required>
                    <option value="">Haushaltsstelle wählen …</option>
                    {d.lines.map((l) => (
                      <option key={l.id} value={l.id}>
                        {l.label}
                      </option>
                    ))}
                  </select>{" "}
                  <SubmitButton intent="line">{d.line ? "Ändern" : "Zuordnen"}</SubmitButton>
                  <FormError message={errorFor("line")?.formError} />
                </Form>
              ) : null}
            </dd>
            <dt>Mittelbindung</dt>
            <dd>{d.commitment ? `${d.commitment.reference} (${d.commitment.year}): ${formatCents(d.commitment.amountCents)}, noch frei ${formatCents(d.commitment.restCents)}` : "keine"}</dd>
            {d.replaces ? (
              <>
                <dt>Ersetzt</dt>
                <dd>
                  <Link to={`/payments/${d.replaces.id}`}>{d.replaces.reference}</Link>
                </dd>
              </>
            ) : null}
            {d.replacedBy ? (
              <>
                <dt>Ersetzt durch</dt>
                <dd>
                  <Link to={`/payments/${d.replacedBy.id}`}>{d.replacedBy.reference}</Link>
                </dd>
              </>
            ) : null}
            {d.run ? (
              <>
                <dt>Zahllauf</dt>
                <dd>
                  <Link to={`/finance/runs/${d.run.id}`}>{d.run.reference}</Link>
                </dd>
              </>
            ) : null}
            {it.paidOn ? (
              <>
                <dt>Ausgezahlt am</dt>
                <dd>
                  {formatDate(it.paidOn)}
                  {d.paidBy ? ` (gebucht von ${d.paidBy}${it.paidNote ? `: ${it.paidNote}` : ""})` : ""}
                </dd>
              </>
            ) : null}
            {it.cancelReason ? (
              <>
                <dt>Storniert</dt>
                <dd>
                  {formatDateTime(it.cancelledAt)}: {it.cancelReason}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-signatures">
          <h2 id="h-signatures">Zeichnungen (Vier-Augen-Prinzip)</h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Zeichnung</th>
                <th scope="col">von</th>
                <th scope="col">am</th>
              </tr>
            </thead>
            <tbody>
              {(["factual", "arithmetic", "order"] as const).map((s) => {
                const sig = d.signatures[s];
                return (
                  <tr key={s}>
                    <th scope="row">{SIGNATURE_LABELS[s]}</th>
                    <td>{sig ? `${sig.name}${sig.self ? " (Sie)" : ""}` : "–"}</td>
                    <td>{sig ? sig.at : "noch nicht gezeichnet"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {d.registeredBy ? <p className="muted">Von Hand erfasst von {d.registeredBy}: diese Person zeichnet die Zahlung nicht.</p> : null}
          {d.authorityMaxCents !== null && d.line ? (
            <p className="muted">
              Ihre Anordnungsbefugnis für {d.line.number}: bis {formatCents(d.authorityMaxCents)}.
            </p>
          ) : null}
          {d.orderDocument ? (
            <p>
              <a href={`/documents/${d.orderDocument.id}`}>
                Auszahlungsanordnung (PDF)
              </a>
            </p>
          ) : d.signatures.order ? (
            <Form method="post" reloadDocument>
              <button type="submit" name="intent" value="order-pdf" className="button secondary">
                Auszahlungsanordnung (PDF) erstellen
              </button>
            </Form>
          ) : null}
          {(["sign_factual", "sign_arithmetic", "order"] as const).map((event) => {
            const ac = action(event);
            const allowed = event === "order" ? d.may.order : d.may.certify;
            if (!ac.permitted || !allowed) return null;
            const label = SIGNATURE_LABELS[SIGN_INTENTS[event]];
            return (
              <Form method="post" key={event} className="inline-form">
                <FormError message={errorFor(event)?.formError} />
                {ac.ok ? (
                  <SubmitButton intent={event} confirm={`Zahlung ${it.reference} über ${formatCents(it.amountCents)} an ${it.payeeName} „${label}“ zeichnen? Ihre Zeichnung wird mit Namen und Zeit protokolliert.`}>
                    „{label}“ zeichnen
                  </SubmitButton>
                ) : (
                  <p className="muted">
                    „{label}“: {ac.reason}
                  </p>
                )}
              </Form>
            );
          })}
        </section>
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="h-vop">
          <h2 id="h-vop">Empfängerüberprüfung (Verification of Payee)</h2>
          <p>
            {it.vopResult ? (
              <>
                <strong>{VOP_LABELS[it.vopResult as VopResult] ?? it.vopResult}</strong>
                {it.vopSuggestedName ? ` – von der Bank vorgeschlagener Name: „${it.vopSuggestedName}“` : ""}
                {it.vopCheckedAt ? <span className="muted"> · erfasst {formatDateTime(it.vopCheckedAt)}{d.vopBy ? ` von ${d.vopBy}` : ""}</span> : null}
              </>
            ) : open ? (
              "Noch kein Ergebnis: die Zahlung kann noch in keinen Zahllauf."
            ) : (
              "Kein Ergebnis erfasst."
            )}
          </p>
          {d.may.vop && open ? (
            <Form method="post">
              <FormError message={errorFor("vop")?.formError} />
              <fieldset>
                <legend>Ergebnis erfassen</legend>
                {(Object.keys(VOP_LABELS) as VopResult[]).map((r) => (
                  <label key={r} className="radio">
                    <input type="radio" name="result" value={r} required /> {VOP_LABELS[r]}
                  </label>
                ))}
              </fieldset>
              <Field name="suggestedName" label="Von der Bank vorgeschlagener Name (bei teilweiser Übereinstimmung)" defaultValue={errorFor("vop")?.values?.suggestedName} />
              <SubmitButton intent="vop">Ergebnis speichern</SubmitButton>
            </Form>
          ) : null}
        </section>
        {(open && d.may.cancel) || (d.may.book && ["ordered", "in_run"].includes(it.status)) ? (
          <section className="panel" aria-labelledby="h-correct">
            <h2 id="h-correct">Korrigieren, stornieren, von Hand buchen</h2>
            {d.may.cancel && open ? (
              <>
                <Form method="post">
                  <h3>Korrektur</h3>
                  <p className="muted">Nach der Zeichnung „sachlich richtig“ sind Empfänger, IBAN, Betrag und Fälligkeit gesperrt: eine Korrektur storniert diese Zahlung und legt eine neue an, die alle drei Zeichnungen neu braucht. Wer korrigiert, zeichnet die neue Zahlung nicht.</p>
                  <FormError message={errorFor("correct")?.formError} />
                  <Field name="amount" label="Neuer Betrag (leer: unverändert)" inputMode="decimal" defaultValue={errorFor("correct")?.values?.amount} error={errorFor("correct")?.fieldErrors?.amount} />
                  <Field name="iban" label="Neue IBAN (leer: unverändert)" defaultValue={errorFor("correct")?.values?.iban} error={errorFor("correct")?.fieldErrors?.iban} />
                  <Field name="dueOn" label="Neue Fälligkeit (TT.MM.JJJJ, leer: unverändert)" placeholder="TT.MM.JJJJ" defaultValue={errorFor("correct")?.values?.dueOn} error={errorFor("correct")?.fieldErrors?.dueOn} />
                  <TextArea name="reason" label="Begründung" required defaultValue={errorFor("correct")?.values?.reason} error={errorFor("correct")?.fieldErrors?.reason} />
                  <SubmitButton intent="correct" confirm="Diese Zahlung stornieren und durch eine korrigierte ersetzen?">
                    Korrigieren (Storno und neue Zahlung)
                  </SubmitButton>
                </Form>
                <Form method="post">
                  <h3>Stornieren</h3>
                  <FormError message={errorFor("cancel")?.formError} />
                  <TextArea name="reason" label="Begründung der Stornierung" required idPrefix="cancel" defaultValue={errorFor("cancel")?.values?.reason} />
                  <SubmitButton intent="cancel" danger confirm="Die Zahlung wirklich stornieren? Das kann nicht rückgängig gemacht werden.">
                    Stornieren
                  </SubmitButton>
                </Form>
              </>
            ) : null}
            {d.may.book && ["ordered", "in_run"].includes(it.status) ? (
              <Form method="post">
                <h3>Von Hand als ausgezahlt buchen</h3>
                <FormError message={errorFor("book")?.formError} />
                <Field name="paidOn" label="Tag der Auszahlung (TT.MM.JJJJ)" placeholder="TT.MM.JJJJ" required idPrefix="book" defaultValue={errorFor("book")?.values?.paidOn} error={errorFor("book")?.fieldErrors?.paidOn} />
                <TextArea name="reason" label="Begründung (z. B. Buchungsnummer des Kontoauszugs)" required idPrefix="book" defaultValue={errorFor("book")?.values?.reason} error={errorFor("book")?.fieldErrors?.reason} />
                <SubmitButton intent="book" confirm="Die Zahlung als ausgezahlt buchen?">
                  Als ausgezahlt buchen
                </SubmitButton>
              </Form>
            ) : null}
          </section>
        ) : null}
      </div>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;

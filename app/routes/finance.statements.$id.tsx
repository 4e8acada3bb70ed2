import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { bookStatementLine, getStatement, ignoreStatementLine } from "~/services/payment-runs.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Kontoauszug" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  return json(await getStatement(user, idParam(params.id)).catch(loaderError));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "book:payment:any");
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const lineId = Number(form.get("lineId"));
  const values = { intent, lineId: String(lineId), reference: String(form.get("reference") ?? ""), reason: String(form.get("reason") ?? "") };
  try {
    if (intent === "book") {
      const ref = await bookStatementLine(user, lineId, values);
      return redirectWithFlash(`/finance/statements/${id}`, `Umsatz der Zahlung ${ref} zugeordnet; die Zahlung ist als ausgezahlt gebucht.`);
    }
    if (intent === "ignore") {
      await ignoreStatementLine(user, lineId, values.reason);
      return redirectWithFlash(`/finance/statements/${id}`, "Umsatz ohne Buchung als erledigt vermerkt.");
    }
    return json({ ok: false as const, formError: "Unbekannte Aktion.", fieldErrors: {} as Record<string, string>, values, issues: null }, { status: 400 });
  } catch (error) {
    return actionError(error, values);
  }
}

export default function Statement() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const s = d.statement;
  const failed = a?.values as { lineId?: string; intent?: string } | undefined;
  const open = d.lines.filter((l) => l.status === "unmatched");
  return (
    <>
      <p>
        <Link to="/finance/statements">← Kontoauszüge</Link>
      </p>
      <h1>
        Kontoauszug {s.kind} <span className="mono">{s.messageId}</span>
      </h1>
      <p className="muted">
        Eingelesen {formatDateTime(s.importedAt)} · {s.entryCount} Umsätze, {s.matchedCount} automatisch gebucht, {open.length} offen ·{" "}
        <Link to={`/documents/${s.documentId}`} reloadDocument>
          Originaldatei
        </Link>{" "}
        <span className="mono muted">SHA-256 {s.sha256.slice(0, 16)}…</span>
      </p>
      <FormError message={a?.formError} />
      {open.length ? (
        <section className="panel" aria-labelledby="h-open">
          <h2 id="h-open">Offene Umsätze ({open.length})</h2>
          {open.map((l) => {
            const mine = (intent: string) => failed?.lineId === String(l.id) && failed.intent === intent;
            const fe = (intent: string) => (mine(intent) ? (a?.fieldErrors ?? {}) : {}) as Record<string, string>;
            const v = (intent: string) => (mine(intent) ? (a?.values as Record<string, string>) : {}) as Record<string, string | undefined>;
            return (
              <div className="panel" key={l.id}>
                <p>
                  <strong>{formatCents(l.amountCents)}</strong> {l.creditDebit === "DBIT" ? "Belastung" : "Gutschrift"} am {formatDate(l.bookingDate)} · {l.counterpartyName || "ohne Namen"} <span className="mono">{l.counterpartyIbanFormatted}</span>
                  {l.endToEndId ? (
                    <>
                      {" "}
                      · End-to-End-ID <span className="mono">{l.endToEndId}</span>
                    </>
                  ) : null}
                  {l.remittance ? ` · ${l.remittance}` : ""}
                </p>
                <p className="hint">{l.note}</p>
                {d.canBook ? (
                  <div className="grid">
                    {l.creditDebit === "DBIT" ? (
                      <Form method="post">
                        <input type="hidden" name="lineId" value={l.id} />
                        <Field name="reference" label="Zahlung (Nummer)" placeholder="ZA-2026-000123" defaultValue={v("book").reference ?? l.suggestedReference} error={fe("book").reference} required idPrefix={`b${l.id}`} />
                        <Field name="reason" label="Begründung" defaultValue={v("book").reason} error={fe("book").reason} required idPrefix={`b${l.id}`} hint="mindestens 10 Zeichen" />
                        <SubmitButton intent="book" confirm="Diesen Umsatz der genannten Zahlung zuordnen und die Zahlung als ausgezahlt buchen?">
                          Zahlung zuordnen und buchen
                        </SubmitButton>
                      </Form>
                    ) : null}
                    <Form method="post">
                      <input type="hidden" name="lineId" value={l.id} />
                      <Field name="reason" label="Begründung (ohne Buchung erledigt)" defaultValue={v("ignore").reason} error={fe("ignore").reason} required idPrefix={`i${l.id}`} hint="z. B. Kontoführungsgebühr" />
                      <SubmitButton intent="ignore" confirm="Diesen Umsatz ohne Buchung als erledigt vermerken?">
                        Als erledigt vermerken
                      </SubmitButton>
                    </Form>
                  </div>
                ) : null}
              </div>
            );
          })}
        </section>
      ) : null}
      <section className="panel" aria-labelledby="h-lines">
        <h2 id="h-lines">Alle Umsätze</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Buchungstag</th>
              <th scope="col">Art</th>
              <th scope="col">Gegenseite</th>
              <th scope="col">End-to-End-ID</th>
              <th scope="col" className="num">
                Betrag
              </th>
              <th scope="col">Zuordnung</th>
            </tr>
          </thead>
          <tbody>
            {d.lines.map((l) => (
              <tr key={l.id}>
                <td className="nowrap">{formatDate(l.bookingDate)}</td>
                <td>{l.creditDebit === "DBIT" ? "Belastung" : "Gutschrift"}</td>
                <td>{l.counterpartyName}</td>
                <td className="mono">{l.endToEndId ?? "–"}</td>
                <td className="num nowrap">{formatCents(l.amountCents)}</td>
                <td>
                  <span className={`badge ${l.status === "unmatched" ? "warn" : l.status === "ignored" ? "" : "ok"}`}>{l.statusLabel}</span>
                  {l.item ? <span className="mono"> {l.item.reference}</span> : null}
                  {l.note ? <div className="hint">{l.note}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;

import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { PAYMENT_ITEM_LIST } from "~/domain/list-specs";
import { formatCents } from "~/domain/money";
import { PAYMENT_ITEM_STATE_LABELS, SIGNATURE_LABELS, type Signature } from "~/domain/payment-item.machine";
import { can } from "~/domain/permissions";
import { formatDate } from "~/domain/time";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { budgetLines } from "~/services/budget.server";
import { financeWork, listPaymentItems, signItems } from "~/services/payment-items.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError } from "~/ui/form";
import { DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Zahlungen – Freigabe" }];

const STATUS_OPTIONS = { open: "alle offenen", ...PAYMENT_ITEM_STATE_LABELS };
const SIGN_PERMISSION: Record<Signature, "certify:payment:any" | "order:payment:any"> = { factual: "certify:payment:any", arithmetic: "certify:payment:any", order: "order:payment:any" };
/** Which signature a list filtered by state offers for its rows. */
const SIGNATURE_FOR_STATE: Record<string, Signature> = { awaiting_factual: "factual", on_hold: "factual", awaiting_arithmetic: "arithmetic", awaiting_order: "order" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const query = parseListQuery(new URL(request.url).searchParams, PAYMENT_ITEM_LIST);
  const [list, lines, work] = await Promise.all([listPaymentItems(user, query), budgetLines(), financeWork(user)]);
  const signature = SIGNATURE_FOR_STATE[query.status] ?? null;
  return json({
    ...list,
    counts: Object.fromEntries(work.waiting.map((w) => [w.status, w.count])) as Record<string, number>,
    overdue: work.overdue,
    dueSoon: work.dueSoon,
    status: query.status,
    lines: lines.map((l) => ({ value: String(l.id), label: `${l.number} – ${l.title}` })),
    signature,
    canSign: signature ? can(user.role, SIGN_PERMISSION[signature]) : false,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "read:payable:any");
  const form = await request.formData();
  const signature = String(form.get("signature") ?? "") as Signature;
  if (!(signature in SIGN_PERMISSION)) throw new Response("Unbekannte Zeichnung", { status: 400 });
  const user = await requirePermission(request, SIGN_PERMISSION[signature]);
  const ids = form
    .getAll("id")
    .map((v) => Number(v))
    .filter((n) => Number.isInteger(n) && n > 0);
  try {
    const outcome = await signItems(user, ids, signature);
    return json({ ok: true as const, signature, label: SIGNATURE_LABELS[signature], ...outcome });
  } catch (error) {
    const failure = actionError(error);
    return json({ ...(await failure.json()), ok: false as const }, { status: failure.status });
  }
}

export default function Payments() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const exportQuery = useExportQuery();
  const signing = d.signature && d.canSign && d.rows.length > 0;
  return (
    <>
      <h1>Zahlungen</h1>
      <p className="muted">
        Rechnungen und Raten der Vermittlungsvergütung auf dem Weg zur Auszahlung: sachlich richtig → rechnerisch richtig → Anordnung → Zahllauf. Jede Zeichnung leistet eine andere Person; wer die Bankverbindung erfasst oder
        bestätigt oder eine Rechnung von Hand erfasst hat, zeichnet diese Zahlung nicht.
      </p>
      {a && a.ok ? (
        <div className={`alert ${a.refused.length ? "alert-warn" : "alert-ok"}`} role="status">
          <p>
            {a.signed.length} {a.signed.length === 1 ? "Zahlung" : "Zahlungen"} „{a.label}“ gezeichnet.
            {a.refused.length ? ` ${a.refused.length} nicht gezeichnet:` : ""}
          </p>
          {a.refused.length ? (
            <ul>
              {a.refused.map((r) => (
                <li key={r.id}>
                  <Link to={`/payments/${r.id}`}>{r.reference}</Link>: {r.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {a && !a.ok ? <FormError message={a.formError} /> : null}
      <QuickFilters
        items={[
          { label: "wartet auf „sachlich richtig“", params: { status: "awaiting_factual" }, count: d.counts.awaiting_factual ?? 0 },
          { label: "wartet auf „rechnerisch richtig“", params: { status: "awaiting_arithmetic" }, count: d.counts.awaiting_arithmetic ?? 0 },
          { label: "wartet auf Anordnung", params: { status: "awaiting_order" }, count: d.counts.awaiting_order ?? 0 },
          { label: "angehalten", params: { status: "on_hold" }, count: d.counts.on_hold ?? 0, warn: true },
          { label: `fällig in ${d.warnDays} Tagen`, params: { due: "soon" }, count: d.dueSoon, warn: true },
          { label: "überfällig", params: { due: "overdue" }, count: d.overdue, warn: true },
        ]}
      />
      <FilterBar resetTo="/payments">
        <SearchFilter placeholder="Zahlungsempfänger, Verwendungszweck, Nummer" />
        <SelectFilter name="status" label="Status" options={optionsOf(STATUS_OPTIONS)} />
        <SelectFilter name="due" label="Fälligkeit" options={optionsOf({ soon: `fällig in ${d.warnDays} Tagen`, overdue: "überfällig" })} />
        <SelectFilter name="source" label="Art" options={optionsOf({ invoice: "Rechnung", instalment: "Rate (Vermittlung)" })} />
        <SelectFilter name="line" label="Haushaltsstelle" options={d.lines} />
      </FilterBar>
      <div className="cards">
        <div className="card">
          <div className="muted">Zahlungen (Auswahl)</div>
          <div className="value">{d.total.toLocaleString("de-DE")}</div>
        </div>
        <div className="card">
          <div className="muted">Summe (Auswahl)</div>
          <div className="value">{formatCents(d.sumCents)}</div>
        </div>
      </div>
      <Form method="post" id="sign-form">
        <DataTable
          columns={signing ? [SELECT_COLUMN, ...COLUMNS] : COLUMNS}
          rows={d.rows}
          rowKey={(x) => x.id}
          sort={d.sort}
          dir={d.dir}
          empty="Keine Zahlungen gefunden."
          footer={
            <tr>
              <th scope="row" colSpan={(signing ? 1 : 0) + 4}>
                Summe aller {d.total.toLocaleString("de-DE")} Zahlungen der Auswahl
              </th>
              <td className="num nowrap">
                <strong>{formatCents(d.sumCents)}</strong>
              </td>
              <td />
            </tr>
          }
        />
        {signing ? (
          <fieldset className="bulk">
            <legend>Mehrere Zahlungen „{SIGNATURE_LABELS[d.signature as Signature]}“ zeichnen</legend>
            <p className="muted">Wählen Sie oben in der Tabelle die Zahlungen dieser Seite aus. Jede Regel gilt für jede einzelne Zahlung; was Sie nicht zeichnen dürfen, wird mit Grund genannt und bleibt unverändert.</p>
            <input type="hidden" name="signature" value={d.signature ?? ""} />
            <button
              type="submit"
              className="button"
              onClick={(e) => {
                const n = document.querySelectorAll<HTMLInputElement>('#sign-form input[name="id"]:checked').length;
                if (!n) {
                  e.preventDefault();
                  alert("Bitte wählen Sie mindestens eine Zahlung.");
                } else if (!confirm(`${n} ${n === 1 ? "Zahlung" : "Zahlungen"} „${SIGNATURE_LABELS[d.signature as Signature]}“ zeichnen? Ihre Zeichnung wird mit Namen und Zeit protokolliert.`)) e.preventDefault();
              }}
            >
              Ausgewählte „{SIGNATURE_LABELS[d.signature as Signature]}“ zeichnen
            </button>
          </fieldset>
        ) : null}
      </Form>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Zahlungen" csvHref={`/payments/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const SELECT_COLUMN: Column<Row> = {
  header: (
    <input
      type="checkbox"
      aria-label="Alle Zahlungen dieser Seite auswählen"
      onChange={(e) => {
        for (const box of document.querySelectorAll<HTMLInputElement>('#sign-form input[name="id"]')) box.checked = e.currentTarget.checked;
      }}
    />
  ),
  cell: (x) => <input type="checkbox" name="id" value={x.id} aria-label={`${x.reference} auswählen`} />,
};

const DUE_BADGE: Record<string, string> = { overdue: "err", due_soon: "warn", open: "" };
const STATUS_BADGE: Record<string, string> = { on_hold: "err", paid: "ok", cancelled: "", ordered: "ok", in_run: "ok" };

const COLUMNS: Column<Row>[] = [
  { header: "Zahlung", sort: "reference", className: "nowrap", cell: (x) => <Link to={`/payments/${x.id}`}>{x.reference}</Link> },
  {
    header: "Zahlungsempfänger, IBAN",
    sort: "payee",
    cell: (x) => (
      <>
        {x.payeeName}
        <div className="mono small muted nowrap">{x.ibanFormatted}</div>
      </>
    ),
  },
  { header: "Verwendungszweck", cell: (x) => x.purpose },
  {
    header: "fällig",
    sort: "dueOn",
    className: "nowrap",
    cell: (x) => (x.dueState ? <span className={`badge ${DUE_BADGE[x.dueState]}`}>{x.dueText}</span> : formatDate(x.dueOn)),
  },
  { header: "Betrag", sort: "amount", firstDir: "desc", className: "num nowrap", cell: (x) => formatCents(x.amountCents) },
  {
    header: "Status, Haushaltsstelle",
    sort: "status",
    cell: (x) => (
      <>
        <span className={`badge ${STATUS_BADGE[x.status] ?? "warn"}`}>{x.statusLabel}</span>
        {x.holdReason ? <div className="muted small">{x.holdReason}</div> : null}
        <div className="mono small muted nowrap">{x.budgetLine || "ohne Haushaltsstelle"}</div>
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;

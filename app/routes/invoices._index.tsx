import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { INVOICE_STATUS_LABELS } from "~/domain/invoices";
import { parseListQuery } from "~/domain/list";
import { INVOICE_LIST } from "~/domain/list-specs";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listInvoices } from "~/services/invoices.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Rechnungen – Rechnungseingang" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const params = new URL(request.url).searchParams;
  const query = parseListQuery(params, INVOICE_LIST);
  const list = await listInvoices(user, query);
  return json({ ...list, canRegister: can(user.role, "register:invoice:any"), from: params.get("from") ?? "", to: params.get("to") ?? "" });
}

export default function Invoices() {
  const d = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Rechnungen</h1>
      <p className="muted">
        Eingegangene Rechnungen: E-Rechnungen aus dem Portal und über die Schnittstelle (XRechnung, ZUGFeRD) und von Hand erfasste Papierrechnungen. Jede angenommene Rechnung wird einem Vertrag zugeordnet und zur Zahlung, die
        zuerst „sachlich richtig“ gezeichnet wird; abgelehnte Rechnungen sind mit ihren Prüfbefunden gespeichert.
      </p>
      {d.canRegister ? (
        <p>
          <Link to="/invoices/new" className="button">
            Rechnung von Hand erfassen
          </Link>
        </p>
      ) : null}
      <QuickFilters
        items={[
          { label: "ohne Vertrag", params: { match: "unmatched" }, warn: true },
          { label: "mit Abweichung", params: { match: "deviation" }, warn: true },
          { label: `fällig in ${d.warnDays} Tagen`, params: { due: "soon" }, warn: true },
          { label: "überfällig", params: { due: "overdue" }, warn: true },
          { label: "abgelehnt", params: { status: "rejected" } },
        ]}
      />
      <FilterBar resetTo="/invoices">
        <SearchFilter placeholder="Rechnungsnummer, Eingangsnummer, Rechnungssteller" />
        <SelectFilter name="status" label="Status" options={optionsOf(INVOICE_STATUS_LABELS)} />
        <SelectFilter name="provider" label="Rechnungssteller" options={d.providers} />
        <SelectFilter name="match" label="Vertrag" options={optionsOf({ matched: "zugeordnet", unmatched: "ohne Vertrag", deviation: "mit Abweichung" })} />
        <SelectFilter name="due" label="Fälligkeit" options={optionsOf({ soon: `fällig in ${d.warnDays} Tagen`, overdue: "überfällig" })} />
        <div className="field">
          <label htmlFor="filter-from">Eingang ab</label>
          <input id="filter-from" name="from" type="date" defaultValue={d.from} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">Eingang bis</label>
          <input id="filter-to" name="to" type="date" defaultValue={d.to} />
        </div>
      </FilterBar>
      <div className="cards">
        <div className="card">
          <div className="muted">Rechnungen (Auswahl)</div>
          <div className="value">{d.total.toLocaleString("de-DE")}</div>
        </div>
        <div className="card">
          <div className="muted">Zahlbeträge (Auswahl)</div>
          <div className="value">{formatCents(d.sumCents)}</div>
        </div>
      </div>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(x) => x.id} sort={d.sort} dir={d.dir} empty="Keine Rechnungen gefunden." />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Rechnungen" csvHref={`/invoices/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];
const DUE_BADGE: Record<string, string> = { overdue: "err", due_soon: "warn", open: "" };
const STATUS_BADGE: Record<string, string> = { rejected: "err", accepted: "warn", paid: "ok", cancelled: "" };

const COLUMNS: Column<Row>[] = [
  {
    header: "Rechnung",
    sort: "reference",
    firstDir: "desc",
    cell: (x) => (
      <>
        <Link to={`/invoices/${x.id}`}>{x.reference}</Link>
        <div className="muted small">Nr. {x.number || "–"}</div>
      </>
    ),
  },
  { header: "Rechnungssteller", sort: "seller", cell: (x) => x.provider },
  { header: "Eingang", sort: "receivedOn", firstDir: "desc", className: "nowrap", cell: (x) => (
    <>
      {formatDate(x.receivedOn)}
      <div className="muted small">{x.channelLabel}, {x.formLabel}</div>
    </>
  ) },
  { header: "Vertrag", cell: (x) => (x.contract ? x.contract : x.status === "rejected" ? "–" : <span className="badge warn">ohne Vertrag</span>) },
  { header: "fällig", sort: "dueOn", className: "nowrap", cell: (x) => (x.dueState ? <span className={`badge ${DUE_BADGE[x.dueState]}`}>{x.dueText}</span> : x.status === "rejected" ? "–" : formatDate(x.dueOn)) },
  { header: "Zahlbetrag", sort: "amount", firstDir: "desc", className: "num nowrap", cell: (x) => formatCents(x.dueAmountCents) },
  {
    header: "Status",
    sort: "status",
    cell: (x) => (
      <>
        <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
        {x.status === "rejected" ? <div className="muted small">{x.findings.map((f) => f.rule).join(", ")}</div> : null}
        {x.paymentItem ? <div className="muted small">Zahlung: {x.paymentItem.statusLabel}</div> : null}
        {x.deviation && x.status !== "rejected" ? <div className="muted small">Abweichung vermerkt</div> : null}
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;

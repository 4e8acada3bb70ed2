import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AGREEMENT_STATE_LABELS, LEGAL_BASES, LEGAL_BASIS_LABELS, LEGAL_BASIS_SHORT, type LegalBasis } from "~/domain/placement";
import { can } from "~/domain/permissions";
import { berlinDate, formatDate } from "~/domain/time";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { listAgreements, renewExpiring } from "~/services/placement-agreements.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { AGREEMENT_BADGE, OfferResultPanel } from "~/ui/staff-placement";
import { CheckFilter, DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";
import { parseListQuery } from "~/domain/list";
import { AGREEMENT_LIST } from "~/domain/list-specs";

export const meta: MetaFunction = () => [{ title: "Vermittlungsvereinbarungen" }];

/** Filter options, short labels (from the domain module: service modules are not shipped to the browser). */
const LEGAL_BASIS_CHOICES = LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_SHORT[b] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const query = parseListQuery(new URL(request.url).searchParams, AGREEMENT_LIST);
  const count = (q: Parameters<typeof listAgreements>[1]) => listAgreements(user, { ...q, pageSize: 1 }).then((r) => r.total);
  const [list, active, offered, suspended, expiring, windowDays] = await Promise.all([
    listAgreements(user, query),
    count({ status: "active" }),
    count({ status: "offered" }),
    count({ status: "suspended" }),
    count({ expiring: true }),
    getSetting("placement.renewalWindowDays"),
  ]);
  return json({ ...list, counts: { active, offered, suspended, expiring }, windowDays, canManage: can(user.role, "manage:agreement:any") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:agreement:any");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent !== "renew") throw new Response("Unbekannte Aktion", { status: 400 });
    const result = await renewExpiring(user);
    return json({ intent, ok: true as const, result, formError: null });
  } catch (error) {
    const failure = actionError(error, {});
    return json({ intent, ok: false as const, result: null, formError: ((await failure.json()) as { formError: string }).formError }, { status: failure.status });
  }
}

export default function Agreements() {
  const data = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  const a = useActionData<typeof action>();
  return (
    <>
      <h1>Vermittlungsvereinbarungen</h1>
      <div className="cards">
        <Link className="card" to="?status=active">
          <div className="muted">aktiv</div>
          <div className="value">{data.counts.active}</div>
        </Link>
        <Link className="card" to="?status=offered">
          <div className="muted">angeboten, noch nicht angenommen</div>
          <div className="value">{data.counts.offered}</div>
        </Link>
        <Link className="card" to="?status=suspended">
          <div className="muted">ruhend</div>
          <div className="value">{data.counts.suspended}</div>
        </Link>
        <Link className={`card${data.counts.expiring ? " warn" : ""}`} to="?expiring=1">
          <div className="muted">endet in den nächsten {data.windowDays} Tagen</div>
          <div className="value">{data.counts.expiring}</div>
        </Link>
      </div>
      <div className="actions">
        {data.canManage ? (
          <Link className="button" to="/agreements/offer">
            Standardvereinbarung anbieten
          </Link>
        ) : null}
        <Link className="button secondary" to="/agreements/schedules">
          Vergütungsregelungen
        </Link>
        {data.canManage ? (
          <Form method="post">
            <SubmitButton
              intent="renew"
              confirm={`Allen aktiven Vereinbarungen, die in den nächsten ${data.windowDays} Tagen enden und noch keine Folgevereinbarung haben, jetzt eine Verlängerung anbieten? Die Vermittler erhalten das Angebot per E-Mail.`}
            >
              Auslaufende Vereinbarungen verlängern
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      {a?.formError ? <FormError message={a.formError} /> : null}
      {a?.ok && a.result ? (
        <OfferResultPanel
          title="Ergebnis der Verlängerung"
          result={a.result}
          emptyText={`Keine aktive Vereinbarung endet in den nächsten ${data.windowDays} Tagen ohne Folgevereinbarung; es wurde nichts angeboten.`}
        />
      ) : null}
      <FilterBar resetTo="/agreements" keep={["provider"]}>
        <SearchFilter placeholder="Vermittler, Aktenzeichen" />
        <SelectFilter name="status" label="Status" options={optionsOf(AGREEMENT_STATE_LABELS)} />
        <SelectFilter name="legalBasis" label="Rechtsgrundlage" options={LEGAL_BASIS_CHOICES} />
        <CheckFilter name="expiring" label={`endet bald (${data.windowDays} Tage)`} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={data.rows} rowKey={(r) => r.id} sort={data.sort} dir={data.dir} empty="Keine Vereinbarungen gefunden." />
      <Pager page={data.page} pages={data.pages} total={data.total} noun="Vereinbarungen" csvHref={`/agreements/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Vereinbarung", sort: "reference", firstDir: "desc", cell: (r) => <Link to={`/agreements/${r.id}`}>{r.reference}</Link> },
  { header: "Vermittler", sort: "provider", cell: (r) => <Link to={`/providers/${r.providerId}`}>{r.providerName}</Link> },
  { header: "Rechtsgrundlage", cell: (r) => <abbr title={r.legalBasisLabel}>{LEGAL_BASIS_SHORT[r.legalBasis as LegalBasis] ?? r.legalBasisLabel}</abbr> },
  {
    header: "Laufzeit",
    sort: "validUntil",
    firstDir: "desc",
    cell: (r) => (
      <>
        {formatDate(r.validFrom)} – {formatDate(r.validUntil)} {r.expiringSoon ? <span className="badge warn">endet bald</span> : null}{" "}
        {r.renewed ? <span className="badge ok">Folgevereinbarung angeboten</span> : null}
      </>
    ),
  },
  { header: "Status", sort: "status", cell: (r) => <span className={`badge ${AGREEMENT_BADGE[r.status] ?? ""}`}>{r.statusLabel}</span> },
  { header: "Angenommen", cell: (r) => (r.acceptedAt ? formatDate(berlinDate(r.acceptedAt)) : "–") },
];

export const ErrorBoundary = GeneralErrorBoundary;

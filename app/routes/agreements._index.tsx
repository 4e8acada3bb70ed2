import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
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
import { intParam, Pager, SortHeader } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Vermittlungsvereinbarungen" }];

/** Filter options, short labels (from the domain module: service modules are not shipped to the browser). */
const LEGAL_BASIS_CHOICES = LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_SHORT[b] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const p = new URL(request.url).searchParams;
  const query = {
    q: p.get("q") ?? "",
    status: p.get("status") ?? "",
    legalBasis: p.get("legalBasis") ?? "",
    expiring: p.get("expiring") === "1",
    sort: p.get("sort") ?? "validUntil",
    dir: p.get("dir") ?? "asc",
    page: intParam(p.get("page"), 1),
  };
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
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
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
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Vermittler, Aktenzeichen" />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">alle</option>
            {Object.entries(AGREEMENT_STATE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="legalBasis">Rechtsgrundlage</label>
          <select id="legalBasis" name="legalBasis" defaultValue={params.get("legalBasis") ?? ""}>
            <option value="">alle</option>
            {LEGAL_BASIS_CHOICES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field checks">
          <label>
            <input type="checkbox" name="expiring" value="1" defaultChecked={params.get("expiring") === "1"} /> endet bald ({data.windowDays} Tage)
          </label>
        </div>
        <input type="hidden" name="sort" value={params.get("sort") ?? "validUntil"} />
        <input type="hidden" name="dir" value={params.get("dir") ?? "asc"} />
        <button type="submit" className="button">
          Filtern
        </button>
        <Link to="/agreements">Zurücksetzen</Link>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <SortHeader field="reference">Vereinbarung</SortHeader>
            <SortHeader field="provider">Vermittler</SortHeader>
            <th scope="col">Rechtsgrundlage</th>
            <th scope="col">Laufzeit</th>
            <SortHeader field="status">Status</SortHeader>
            <th scope="col">Angenommen</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Keine Vereinbarungen gefunden.
              </td>
            </tr>
          ) : null}
          {data.rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/agreements/${r.id}`}>{r.reference}</Link>
              </td>
              <td>
                <Link to={`/providers/${r.providerId}`}>{r.providerName}</Link>
              </td>
              <td>
                <abbr title={r.legalBasisLabel}>{LEGAL_BASIS_SHORT[r.legalBasis as LegalBasis] ?? r.legalBasisLabel}</abbr>
              </td>
              <td>
                {formatDate(r.validFrom)} – {formatDate(r.validUntil)} {r.expiringSoon ? <span className="badge warn">endet bald</span> : null}{" "}
                {r.renewed ? <span className="badge ok">Folgevereinbarung angeboten</span> : null}
              </td>
              <td>
                <span className={`badge ${AGREEMENT_BADGE[r.status] ?? ""}`}>{r.statusLabel}</span>
              </td>
              <td>{r.acceptedAt ? formatDate(berlinDate(r.acceptedAt)) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={data.page} pages={data.pages} total={data.total} noun="Vereinbarungen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;

import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can, ROLE_LABELS, type Role } from "~/domain/permissions";
import { formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { authorityCandidates, budgetLines, grantAuthority, listAuthorities, revokeAuthority } from "~/services/budget.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, Select, SubmitButton } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Anordnungsbefugnisse" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const canGrant = can(user.role, "grant:ordering-authority:any");
  const show = new URL(request.url).searchParams.get("show") === "all" ? "all" : "current";
  const [rows, lines, people] = await Promise.all([listAuthorities(user), budgetLines(), canGrant ? authorityCandidates(user) : Promise.resolve([])]);
  return json({
    rows: show === "all" ? rows : rows.filter((r) => !r.revokedAt),
    revokedCount: rows.filter((r) => r.revokedAt).length,
    show,
    canGrant,
    lines: lines.map((l) => ({ value: String(l.id), label: `${l.number} – ${l.title.length > 60 ? `${l.title.slice(0, 58)}…` : l.title}${l.active ? "" : " (gesperrt)"}` })),
    people: people.map((p) => ({ value: String(p.id), label: `${p.name} (${ROLE_LABELS[p.role as Role] ?? p.role}, ${p.email})` })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "grant:ordering-authority:any");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = { userId: String(form.get("userId") ?? ""), budgetLineId: String(form.get("budgetLineId") ?? ""), maxAmount: String(form.get("maxAmount") ?? ""), note: String(form.get("note") ?? "") };
  try {
    if (intent === "revoke") {
      await revokeAuthority(user, Number(form.get("id")));
      return redirectWithFlash("/admin/authorities", "Die Anordnungsbefugnis wurde entzogen.");
    }
    if (intent !== "grant") throw new Response("Unbekannte Aktion", { status: 400 });
    const a = await grantAuthority(user, values);
    return redirectWithFlash("/admin/authorities", `Anordnungsbefugnis bis ${formatCents(a.maxAmountCents)} erteilt.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function Authorities() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const v = a && !a.ok ? (a.values as Record<string, string>) : {};
  const fe = a && !a.ok ? a.fieldErrors : {};
  return (
    <>
      <h1>Anordnungsbefugnisse</h1>
      <p className="muted">
        Wer Zahlungen aus einer Haushaltsstelle anordnen darf, und bis zu welchem Betrag je Zahlung. Eine neue Befugnis derselben Person für dieselbe Haushaltsstelle ersetzt die bisherige. Ohne Befugnis wird die Anordnung
        abgelehnt.
      </p>
      {a && !a.ok && !Object.keys(fe ?? {}).length ? <FormError message={a.formError} /> : null}
      <p className="actions">
        {d.show === "all" ? <Link to="/admin/authorities">nur geltende Befugnisse</Link> : <Link to="/admin/authorities?show=all">auch entzogene Befugnisse anzeigen ({d.revokedCount})</Link>}
      </p>
      <table className="data">
        <caption className="sr-only">{d.show === "all" ? "Alle Anordnungsbefugnisse" : "Geltende Anordnungsbefugnisse"}</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Haushaltsstelle</th>
            <th scope="col" className="num">
              Höchstbetrag je Zahlung
            </th>
            <th scope="col">erteilt</th>
            <th scope="col">Status</th>
            {d.canGrant ? <th scope="col">Aktion</th> : null}
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={d.canGrant ? 6 : 5} className="muted empty">
                Keine Anordnungsbefugnisse.
              </td>
            </tr>
          ) : null}
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td>{r.userName}</td>
              <td>
                <span className="mono">{r.budgetLine}</span>
                <div className="muted small">{r.budgetLineTitle}</div>
              </td>
              <td className="num nowrap">{formatCents(r.maxAmountCents)}</td>
              <td>
                {formatDateTime(r.grantedAt)} von {r.grantedByName}
                {r.note ? <div className="muted small">{r.note}</div> : null}
              </td>
              <td>{r.revokedAt ? <span className="badge err">entzogen {formatDateTime(r.revokedAt)}{r.revokedByName ? ` von ${r.revokedByName}` : ""}</span> : <span className="badge ok">gilt</span>}</td>
              {d.canGrant ? (
                <td>
                  {r.revokedAt ? null : (
                    <Form method="post">
                      <input type="hidden" name="id" value={r.id} />
                      <SubmitButton intent="revoke" danger confirm={`Anordnungsbefugnis von ${r.userName} für ${r.budgetLine} (bis ${formatCents(r.maxAmountCents)}) entziehen? Anordnungen dieser Person aus dieser Haushaltsstelle werden danach abgelehnt.`}>
                        Entziehen<span className="sr-only">: {r.userName}, {r.budgetLine}</span>
                      </SubmitButton>
                    </Form>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {d.canGrant ? (
        <section aria-labelledby="grant-heading">
          <h2 id="grant-heading">Anordnungsbefugnis erteilen</h2>
          <Form method="post" className="form" noValidate>
            <FormError message={a && !a.ok && Object.keys(fe ?? {}).length ? a.formError : null} />
            <div className="form-grid">
              <Select name="userId" label="Person" required options={[{ value: "", label: "– bitte wählen –" }, ...d.people]} defaultValue={v.userId ?? ""} error={fe?.userId} />
              <Select name="budgetLineId" label="Haushaltsstelle" required options={[{ value: "", label: "– bitte wählen –" }, ...d.lines]} defaultValue={v.budgetLineId ?? ""} error={fe?.budgetLineId} />
              <Field name="maxAmount" label="Höchstbetrag je Zahlung in Euro" inputMode="decimal" required hint="z. B. 5.000,00" defaultValue={v.maxAmount} error={fe?.maxAmount} />
              <Field name="note" label="Bemerkung" hint="z. B. Verfügung vom …, Vertretung" defaultValue={v.note} error={fe?.note} />
            </div>
            <SubmitButton intent="grant">Befugnis erteilen</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;

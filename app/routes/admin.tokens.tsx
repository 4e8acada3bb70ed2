import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { TOKEN_KIND_LABELS, TOKEN_STATE_LABELS, tokenValidUntil } from "~/domain/api-tokens";
import { parseListQuery } from "~/domain/list";
import { TOKEN_LIST } from "~/domain/list-specs";
import { formatDate, formatDateTime } from "~/domain/time";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { listApiTokens, revokeApiTokenAsStaff } from "~/services/api-tokens.server";
import { RevokeTokenForm, TokenState } from "~/ui/api-tokens";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError } from "~/ui/form";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "API-Zugänge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:api-token:any");
  return json(await listApiTokens(user, parseListQuery(new URL(request.url).searchParams, TOKEN_LIST)));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:api-token:any");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent !== "revoke") throw new Response("Unbekannte Aktion", { status: 400 });
    await revokeApiTokenAsStaff(user, Number(form.get("id")));
    return json({ ok: true as const, message: "Der API-Zugang wurde widerrufen. Systeme, die ihn nutzen, erhalten ab sofort 401." });
  } catch (error) {
    const failure = actionError(error);
    return json(await failure.json(), { status: failure.status });
  }
}

export default function ApiTokens() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const provider = loaderData.provider;
  return (
    <>
      <h1>API-Zugänge{provider ? ` – ${provider.name}` : null}</h1>
      {provider ? (
        <p>
          <Link to={`/providers/${provider.id}`}>« {provider.name}</Link>
        </p>
      ) : null}
      <p>
        Zugänge der Organisationen (erstellt von ihrer Administration im Portal) und persönliche Zugänge für Werkzeuge der Verwaltung (an der Kommandozeile erstellt). Ein widerrufener Zugang
        gilt sofort nicht mehr.
      </p>
      {actionData && "message" in actionData && actionData.message ? (
        <div className="alert alert-ok" role="status">
          {actionData.message}
        </div>
      ) : null}
      {actionData && "formError" in actionData ? <FormError message={actionData.formError} /> : null}
      <FilterBar resetTo={provider ? `/admin/tokens?provider=${provider.id}` : "/admin/tokens"} keep={provider ? ["provider"] : []}>
        <SearchFilter placeholder="Bezeichnung, Anfang, Organisation oder Person" />
        <SelectFilter name="state" label="Status" options={optionsOf(TOKEN_STATE_LABELS)} />
        <SelectFilter name="kind" label="Art" options={optionsOf(TOKEN_KIND_LABELS)} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={loaderData.rows} rowKey={(t) => t.id} sort={loaderData.sort} dir={loaderData.dir} empty="Keine API-Zugänge gefunden." />
      <Pager page={loaderData.page} pages={loaderData.pages} total={loaderData.total} noun="Zugänge" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Bezeichnung", sort: "name", cell: (t) => t.name },
  { header: "Beginnt mit", cell: (t) => <span className="mono">{t.prefix}…</span> },
  {
    header: "Gehört zu",
    cell: (t) =>
      t.providerId !== null ? (
        <Link to={`/providers/${t.providerId}`}>{t.providerName ?? `Träger Nr. ${t.providerId}`}</Link>
      ) : (
        <>
          {t.ownerName ?? "–"} <span className="muted">(persönlich)</span>
        </>
      ),
  },
  { header: "Berechtigungen", cell: (t) => t.scopeLabels.join(", ") },
  { header: "Erstellt", sort: "createdAt", firstDir: "desc", cell: (t) => `${formatDateTime(t.createdAt)} von ${t.createdByName}` },
  { header: "Gültig bis einschl.", sort: "expiresAt", cell: (t) => formatDate(tokenValidUntil(t.expiresAt)) },
  { header: "Zuletzt benutzt", sort: "lastUsedAt", firstDir: "desc", cell: (t) => formatDateTime(t.lastUsedAt) },
  { header: "Status", cell: (t) => <TokenState token={t} /> },
  { header: "Aktion", cell: (t) => <RevokeTokenForm token={t} /> },
];

export const ErrorBoundary = GeneralErrorBoundary;

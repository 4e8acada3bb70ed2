import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { actorOf } from "~/services/auth.server";
import { createUser, providerOptions } from "~/services/users.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { UserForm } from "~/ui/user-form";

export const meta: MetaFunction = () => [{ title: "Benutzer anlegen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:user:any");
  const url = new URL(request.url);
  return json({ providers: await providerOptions(), minPasswordLength: await getSetting("security.minPasswordLength"), presetProvider: url.searchParams.get("providerId") });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "manage:user:any");
  const { password, ...values } = formObject(await request.formData());
  try {
    const user = await createUser(actorOf(admin), values, String(password ?? ""));
    return redirectWithFlash("/admin/users", `Benutzer ${user.email} wurde angelegt.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function NewUser() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/admin/users">« Benutzer</Link>
      </p>
      <h1>Benutzer anlegen</h1>
      <UserForm
        values={a?.values ?? (d.presetProvider ? { role: "provider", providerId: d.presetProvider } : {})}
        errors={a?.fieldErrors ?? {}}
        formError={a?.formError}
        providers={d.providers}
        withPassword
        submitLabel="Benutzer anlegen"
        minPasswordLength={d.minPasswordLength}
      />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;

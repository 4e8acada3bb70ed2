import { ForbiddenError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { appendAudit } from "~/lib/audit.server";
import { tx } from "~/lib/db.server";
import { generateDocument } from "~/lib/documents.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { describeProviderForSheet, getProvider } from "./providers.server";

/** The provider's master data sheet as a stored PDF (staff, or the provider's own users). */
export async function createProviderDatasheet(user: CurrentUser, providerId: number) {
  if (!can(user.role, "read:provider:any") && !can(user.role, "read:provider:own")) throw new ForbiddenError();
  const detail = await getProvider(user, providerId);
  const data = describeProviderForSheet(detail);
  return tx(async (m) => {
    const doc = await generateDocument(m, {
      template: "provider-datasheet",
      data,
      title: `Stammdatenblatt ${detail.provider.name}`,
      filename: `stammdatenblatt-${providerId}.pdf`,
      entityType: "provider",
      entityId: String(providerId),
      providerId,
      createdById: user.id,
    });
    await appendAudit(m, actorOf(user), {
      action: "document.generate",
      summary: `Stammdatenblatt für „${detail.provider.name}“ erzeugt`,
      entityType: "document",
      entityId: doc.id,
      providerId,
      details: { sha256: doc.sha256, template: "provider-datasheet" },
    });
    return doc;
  });
}

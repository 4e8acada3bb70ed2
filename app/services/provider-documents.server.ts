import { ForbiddenError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { appendAudit } from "~/lib/audit.server";
import { em, tx } from "~/lib/db.server";
import { describeDocument, findSameDocument, renderDocument, storePrepared } from "~/lib/documents.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { describeProviderForSheet, getProvider } from "./providers.server";

/**
 * The provider's master data sheet as a stored PDF (staff, or the provider's own users). Asked
 * again while the master data is unchanged, the stored sheet is returned instead of a new copy.
 */
export async function createProviderDatasheet(user: CurrentUser, providerId: number) {
  if (!can(user.role, "read:provider:any") && !can(user.role, "read:provider:own")) throw new ForbiddenError();
  const detail = await getProvider(user, providerId);
  const { generatedAt, ...data } = describeProviderForSheet(detail);
  const manager = await em();
  const source = await describeDocument(
    {
      template: "provider-datasheet",
      data,
      stamp: { generatedAt },
      title: `Stammdatenblatt ${detail.provider.name}`,
      filename: `stammdatenblatt-${providerId}.pdf`,
      entityType: "provider",
      entityId: String(providerId),
      providerId,
      createdById: user.id,
    },
    manager,
  );
  const stored = await findSameDocument(manager, source);
  if (stored) return stored;
  // Rendering happens outside the transaction; only storing takes the write gate.
  const prepared = await renderDocument(source);
  return tx(async (m) => {
    const same = await findSameDocument(m, prepared);
    if (same) return same;
    const doc = await storePrepared(m, prepared);
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

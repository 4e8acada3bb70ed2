import { Document } from "../../entities";
import { NotFoundError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { em } from "~/lib/db.server";
import { documentResponse } from "~/lib/documents.server";
import type { CurrentUser } from "./auth.server";

/** A stored document as an HTTP response, if the user may see it (404 otherwise). */
export async function openDocument(user: CurrentUser, id: number): Promise<Response> {
  const manager = await em();
  const doc = await manager.getRepository(Document).findOne({ where: { id } });
  // Tender documents published to all bidders ("tender-public") are visible to every signed-in user.
  const visible = doc && (can(user.role, "read:document:any") || doc.entityType === "tender-public" || (can(user.role, "read:document:own") && doc.providerId !== null && doc.providerId === user.providerId));
  if (!doc || !visible) throw new NotFoundError("Das Dokument wurde nicht gefunden.");
  return documentResponse(doc);
}

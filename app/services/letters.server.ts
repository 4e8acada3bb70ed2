import type { EntityManager } from "typeorm";
import { User } from "../../entities";
import { getSettings } from "~/lib/settings.server";

/**
 * What every letter says about who sends it: the responsible official's name, direct dial and
 * e-mail from the user record (the letterhead's number when the user has none), and the note
 * on the missing signature. `userId` null: a decision taken automatically on arrival.
 */
export interface Signatory {
  officialName: string;
  officialPhone: string;
  officialEmail: string;
  /** Greeting and signature lines ("Mit freundlichen Grüßen / Im Auftrag / name"). */
  closing: string;
  signatureNote: string;
}

/** The first telephone number in the letterhead's contact line ("Telefon 03578 7870 · …"). */
export function letterheadPhone(contact: string): string {
  const m = /Tel(?:efon|\.)?:?\s*([+\d][\d /()-]*\d)/i.exec(contact);
  return m ? m[1].trim() : contact;
}

export async function signatory(m: EntityManager, userId: number | null, automatic: "claim" | "other" = "claim"): Promise<Signatory> {
  const settings = await getSettings(m);
  const central = letterheadPhone(settings["letterhead.contact"]);
  const user = userId ? await m.getRepository(User).findOne({ where: { id: userId } }) : null;
  const signatureNote = "Dieses Schreiben wurde elektronisch erstellt und ist ohne Unterschrift gültig.";
  if (!user)
    return {
      officialName: automatic === "claim" ? "automatische Prüfung bei Eingang" : settings["letterhead.authority"],
      officialPhone: central,
      officialEmail: settings["letterhead.contact"].split("·").map((p) => p.trim()).find((p) => p.includes("@")) ?? "–",
      closing: `Mit freundlichen Grüßen\n${settings["letterhead.authority"]}`,
      signatureNote: automatic === "claim" ? "Dieser Bescheid wurde bei Eingang des Nachweises maschinell erlassen (§ 31a SGB X) und ist ohne Unterschrift gültig." : signatureNote,
    };
  return { officialName: user.name, officialPhone: user.phone?.trim() || central, officialEmail: user.email, closing: `Mit freundlichen Grüßen\nIm Auftrag\n\n${user.name}`, signatureNote };
}

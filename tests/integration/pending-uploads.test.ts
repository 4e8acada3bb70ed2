import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resetClock, setClock } from "~/lib/clock.server";
import { config } from "~/lib/config.server";
import { discardPendingUpload, keepPendingUpload, PENDING_UPLOAD_TTL_MS, removeExpiredPendingUploads, takePendingUpload } from "~/lib/pending-uploads.server";
import { minimalPdf } from "../fixtures/pdf";

/** Files kept for a re-shown portal form (issue 8, item 15): scoped to the user and the field, expiring. */

const BROKER = 41;
const OTHER = 42;
const pendingDir = () => path.join(config().dataDir, "pending-uploads");

afterAll(() => resetClock());

describe("pending uploads", () => {
  it("the uploader gets the same bytes and file name back for the same field; nobody else, no other field", async () => {
    setClock("2027-01-10T09:00:00.000Z");
    const bytes = minimalPdf("Arbeitsvertrag Pietsch");
    const kept = await keepPendingUpload(BROKER, "employmentContract", { filename: "Arbeitsvertrag.pdf", bytes });
    expect(kept.token).toMatch(/^[0-9a-f]{32}$/);
    expect(kept.filename).toBe("Arbeitsvertrag.pdf");
    const back = await takePendingUpload(BROKER, "employmentContract", kept.token);
    expect(back?.filename).toBe("Arbeitsvertrag.pdf");
    expect(Buffer.from(back!.bytes).equals(bytes)).toBe(true);
    expect(await takePendingUpload(OTHER, "employmentContract", kept.token)).toBeNull();
    expect(await takePendingUpload(BROKER, "brokerContract", kept.token)).toBeNull();
    // Only the app user may read the files (personal data).
    expect(fs.statSync(path.join(pendingDir(), `${kept.token}.bin`)).mode & 0o077).toBe(0);
  });

  it("malformed, guessed and path-like tokens find nothing", async () => {
    for (const token of [null, undefined, "", "../../app.sqlite", "0".repeat(32), "A".repeat(32), `${"a".repeat(31)}/`])
      expect(await takePendingUpload(BROKER, "employmentContract", token)).toBeNull();
  });

  it("a kept file is good until its time is up: the last moment yes, then no, and the next keep removes it", async () => {
    setClock("2027-01-10T09:00:00.000Z");
    const kept = await keepPendingUpload(BROKER, "employerConfirmation", { filename: "b.pdf", bytes: minimalPdf("Bestätigung") });
    setClock(new Date(Date.parse("2027-01-10T09:00:00.000Z") + PENDING_UPLOAD_TTL_MS - 5000));
    expect(await takePendingUpload(BROKER, "employerConfirmation", kept.token)).not.toBeNull();
    setClock(new Date(Date.parse("2027-01-10T09:00:00.000Z") + PENDING_UPLOAD_TTL_MS + 1000));
    expect(await takePendingUpload(BROKER, "employerConfirmation", kept.token)).toBeNull();
    expect(fs.existsSync(path.join(pendingDir(), `${kept.token}.bin`))).toBe(true);
    const fresh = await keepPendingUpload(BROKER, "brokerContract", { filename: "c.pdf", bytes: minimalPdf("Vermittlungsvertrag") });
    expect(fs.existsSync(path.join(pendingDir(), `${kept.token}.bin`))).toBe(false);
    expect(fs.existsSync(path.join(pendingDir(), `${kept.token}.json`))).toBe(false);
    expect(await takePendingUpload(BROKER, "brokerContract", fresh.token)).not.toBeNull();
    expect(await removeExpiredPendingUploads()).toBe(0);
  });

  it("discarding removes the file at once", async () => {
    const kept = await keepPendingUpload(BROKER, "brokerContract", { filename: "c.pdf", bytes: minimalPdf("Vermittlungsvertrag") });
    await discardPendingUpload(kept.token);
    expect(await takePendingUpload(BROKER, "brokerContract", kept.token)).toBeNull();
    expect(fs.readdirSync(pendingDir()).filter((n) => n.startsWith(kept.token))).toEqual([]);
  });
});

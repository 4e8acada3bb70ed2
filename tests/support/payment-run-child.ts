/**
 * The crash test's child process (tests/integration/payment-run-crash.test.ts): builds a payment
 * run against the same DATA_DIR / DATABASE_URL with PAYMENT_RUN_PAUSE_AFTER_PHASE1=1, so that
 * createRun prints "PAYMENT_RUN_PHASE1_DONE <id>" after its first transaction and waits there,
 * to be killed with SIGKILL.
 *   npx tsx tests/support/payment-run-child.ts <email> <dueUntil> <executionDate>
 */
import { User } from "../../entities";
import { em } from "../../app/lib/db.server";
import { createRun } from "../../app/services/payment-runs.server";

async function main() {
  const [email, dueUntil, executionDate] = process.argv.slice(2);
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  await createRun({ id: u.id, email: u.email, name: u.name, role: u.role as never, providerId: u.providerId }, { dueUntil, executionDate });
  process.stdout.write("PAYMENT_RUN_FINISHED\n");
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import { enforceApiContract } from "./api-contract";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Each test file gets its own data directory (SQLite file, stored files, .eml mail).
// With TEST_DATABASE_URL set, the suite runs against PostgreSQL instead (CI's second pass).
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "vt-it-"));
process.env.NODE_ENV = "test";
delete process.env.SMTP_URL;
delete process.env.APP_TIME;
if (process.env.TEST_DATABASE_URL) process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
else delete process.env.DATABASE_URL;

// Every answer of /api/ in this suite is checked against the OpenAPI document (additional
// properties forbidden, status and content type documented): tests/setup/api-contract.ts.
enforceApiContract();

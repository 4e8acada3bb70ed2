import { Foundation1764000000000 } from "./1764000000000-foundation";
import { Tendering1764100000000 } from "./1764100000000-tendering";
import { Placements1764200000000 } from "./1764200000000-placements";
import { InstalmentDueAfterPeriod1764310000000 } from "./1764310000000-instalment-due-after-period";
import { Letters1764340000000 } from "./1764340000000-letters";
import { OrganisationTokens1764400000000 } from "./1764400000000-organisation-tokens";
import { ChangeFeed1764410000000 } from "./1764410000000-change-feed";
import { IdempotencyKeys1764420000000 } from "./1764420000000-idempotency-keys";
import { Finance1764500000000 } from "./1764500000000-finance";
import { Places1764600000000 } from "./1764600000000-places";
import { Comparison1764700000000 } from "./1764700000000-comparison";
import { PastPerformance1764800000000 } from "./1764800000000-past-performance";
import { ClaimLetterDue1764950000000 } from "./1764950000000-claim-letter-due";
import { ListIndexes1764960000000 } from "./1764960000000-list-indexes";
import { PurchaseTotals1764970000000 } from "./1764970000000-purchase-totals";
import { ListIndexes21764980000000 } from "./1764980000000-list-indexes-2";

/** Every migration class, in order (the build has no .ts files to glob). */
export const migrations: Function[] = [Foundation1764000000000, Tendering1764100000000, Placements1764200000000, InstalmentDueAfterPeriod1764310000000, Letters1764340000000, OrganisationTokens1764400000000, ChangeFeed1764410000000, IdempotencyKeys1764420000000, Finance1764500000000, Places1764600000000, Comparison1764700000000, PastPerformance1764800000000, ClaimLetterDue1764950000000, ListIndexes1764960000000, PurchaseTotals1764970000000, ListIndexes21764980000000];

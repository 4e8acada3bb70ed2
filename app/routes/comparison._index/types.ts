import type { SerializeFrom } from "@remix-run/node";
import type { ComparisonView } from "~/services/outcome-comparison.server";

/** The page's view model as the components receive it (JSON). */
export type ComparisonViewData = SerializeFrom<ComparisonView>;

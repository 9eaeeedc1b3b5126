// The register's filter bar as a SystemQuery: one value per filter, "" meaning any.
import type { RegulatedDomain } from "../bindings/RegulatedDomain";
import type { RiskTier } from "../bindings/RiskTier";
import type { Stage } from "../bindings/Stage";
import type { SystemQuery } from "../bindings/SystemQuery";
import type { SortState } from "./sort";

export interface Filters {
  text: string;
  stage: Stage | "";
  risk: RiskTier | "";
  unit: string;
  domain: RegulatedDomain | "";
}

export const noFilters: Filters = { text: "", stage: "", risk: "", unit: "", domain: "" };

const one = <T>(v: T | ""): T[] => (v === "" ? [] : [v]);

export function toQuery(f: Filters, s: SortState): SystemQuery {
  return {
    text: f.text,
    stages: one(f.stage),
    risk_tiers: one(f.risk),
    business_units: one(f.unit),
    regulated_domains: one(f.domain),
    sourcing: null,
    tag: null,
    sort: s.sort,
    descending: s.descending,
  };
}

export function isFiltered(f: Filters): boolean {
  return f.text.trim() !== "" || f.stage !== "" || f.risk !== "" || f.unit !== "" || f.domain !== "";
}

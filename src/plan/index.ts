/** The remediation plan: findings → actions by phase, commissioning verdicts, follow-up of a plan. */
export { buildPlan, stepVendor, SEVERITY_WEIGHT, type PlanInput, type PlanOptions, type PlanProfile } from './planner.ts';
export { commissioningVerdicts, isRequired } from './verdicts.ts';
export { comparePlans, type PlanComparison, type ActionProgress, type DeviceProgress } from './compare.ts';
export { findingKey } from './keys.ts';
export { loadRemedies, catalogueFrom, type Remedy, type RemedyCatalogue } from './remedies.ts';

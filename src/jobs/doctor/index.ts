/**
 * The doctor job: `checkManifests` (what `shipshape doctor` prints, as a function), and what
 * the command needs to read its input and print its report.
 */
export { checkManifests, inspectManifests } from './check.js';
export type { DoctorInput, DoctorReport, ManifestFinding } from './check.js';
export { ManifestError } from './manifests.js';
export type { Source } from './manifests.js';
export { RULES } from './rules.js';
export type { Finding, Level, RuleId } from './rules.js';

/**
 * @skytells/scanner: finds Skytells credentials (checksum-exact) in files, git histories and
 * the git index, in plain text and common encodings; checks them with the server by hash and
 * reports live ones for revocation. Used by `skytells scan`; usable on its own.
 */
export type { GitObject } from './batch-parser.js';
export { type Detection, detect, type Encoding } from './detect.js';
export { type ScanResult, scanFiles } from './files.js';
export { exitCode, type Finding, groupFindings, type Location, parseBaseline, type Status, withoutBaseline } from './findings.js';
export { type HistoryOptions, scanHistory, scanStaged } from './git.js';
export { formatJson, formatSarif, formatTable } from './output.js';
export { checkStatus, type ReportedLeak, reportLeaks } from './remote.js';
export { FORMATS, type Output, type OutputFormat, runScan, type ScanOptions } from './run.js';

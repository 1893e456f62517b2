/**
 * Parley's configuration in sections (`http`, `store`, `live`, `rtc`, `recording`, `webhooks`,
 * `auth`, `log`, `node`), read from `PARLEY_*` variables; see `variables.ts` for every variable.
 */
export { loadConfig, type ConfigOverrides, type OverridableVariable } from './load.ts';
export { VARIABLES, type Variable } from './variables.ts';
export * from './types.ts';

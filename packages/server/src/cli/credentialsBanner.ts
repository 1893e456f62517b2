/**
 * The block that shows new credentials once, in words a newcomer can act on.
 */
import type { CreatedProject } from '../projects/service.ts';
import type { FirstRun } from '../server.ts';

export function formatCredentials(title: string, created: CreatedProject): string {
  const lines = [
    `App ID:          ${created.appId}`,
    `App Certificate: ${created.appCertificate}`,
    `Customer ID:     ${created.customerId}`,
    ...(created.customerSecret ? [`Customer Secret: ${created.customerSecret}`] : []),
    `Plan:            ${created.plan}`,
  ];
  const note = created.customerSecret
    ? 'Save the Customer Secret now: it is stored only as a hash and will not be shown again.'
    : 'The project joined an existing account; use that account\'s Customer Secret.';
  const rule = '='.repeat(72);
  return [rule, `  ${title}`, rule, ...lines.map((line) => `  ${line}`), '', `  ${note}`, rule].join('\n');
}

/** The console's first owner, shown once beside the credentials. */
export function formatConsoleOwner(firstRun: FirstRun): string {
  const rule = '='.repeat(72);
  return [
    rule,
    '  Console owner (sign in at /console/)',
    rule,
    `  Email:    ${firstRun.consoleOwner.email}`,
    `  Password: ${firstRun.consoleOwner.password}`,
    '',
    '  Save the password now: it is stored only as a hash and will not be shown again.',
    '  Forgot it? parley user reset-password --email admin@localhost',
    rule,
  ].join('\n');
}

/** Where things are, printed at every start (never a secret). */
export function formatUrls(url: string, options: { demo: boolean }): string {
  return [
    `  Console:   ${url}/console/`,
    `  API:       ${url}/v1/  (OpenAPI: ${url}/v1/openapi.json)`,
    `  Docs:      ${url}/docs/`,
    `  Demo call: ${url}/call${options.demo ? '' : '  (or a project\'s "Try a call" in the console)'}`,
  ].join('\n');
}

/**
 * The block that shows new credentials once, in words a newcomer can act on.
 */
import type { CreatedProject } from '../projects/service.ts';

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

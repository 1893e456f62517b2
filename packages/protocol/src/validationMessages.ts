/**
 * How a JSON Schema validation error is put into words, the same on the server (which answers
 * `details: {field, reason}`) and in the docs tester (which shows the message next to the input).
 * Works on ajv's error objects by shape, so it needs neither ajv nor TypeBox.
 */

export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  parentSchema?: unknown;
  message?: string;
}

/** The dotted request field an error is about: `channel`, `clientRequest.resourceExpiredHour`; '' for the part itself. */
export function errorField(error: SchemaError): string {
  const parts = error.instancePath.split('/').filter(Boolean).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  return parts.join('.');
}

/** What is wrong with the field, in words that follow its name ("channel is required"). */
export function errorReason(error: SchemaError): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'anyOf':
      return description ? `must be one of the allowed forms: ${description}` : 'does not match any allowed form';
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'pattern':
      return description ? `has characters that are not allowed: ${description}` : 'has characters that are not allowed';
    default:
      return error.message ?? 'is not valid';
  }
}

/**
 * A failure caused by the user's input: printed as one line, without a stack trace.
 */
export class UserError extends Error {
  readonly userFacing = true;
}

/**
 * The console's people and keys: sign-in sessions, team members with their roles, and the
 * account's RESTful API credentials (Customer ID/Secret pairs).
 *
 * Roles, from most to least: `owner` (everything), `admin` (everything but team members and
 * deleting the account), `viewer` (reads; never sees an App Certificate or Customer Secret).
 */
import Type, { type Static } from 'typebox';
import { HEX32_PATTERN } from '../constants.ts';
import { IsoTime } from '../rest/common.ts';

export const CONSOLE_ROLES = ['owner', 'admin', 'viewer'] as const;
export const ConsoleRole = Type.Union(
  [Type.Literal('owner'), Type.Literal('admin'), Type.Literal('viewer')],
  { description: '`owner`: everything. `admin`: everything but team members. `viewer`: reads only, never sees a secret.' },
);
export type ConsoleRole = Static<typeof ConsoleRole>;

/** Whether `role` may do what `needed` may (owner ⊃ admin ⊃ viewer). */
export function roleAllows(role: ConsoleRole, needed: ConsoleRole): boolean {
  return CONSOLE_ROLES.indexOf(role) <= CONSOLE_ROLES.indexOf(needed);
}

// Not `format: email`: its rule wants a dot in the domain, and the first user is admin@localhost.
export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'An email address such as admin@localhost (compared without case).', examples: ['admin@localhost'] });
export const Password = Type.String({ minLength: 1, maxLength: 1024, description: 'The password.' });
export const NewPassword = Type.String({ minLength: 12, maxLength: 1024, description: 'A new password: 12 characters at least.' });
export const UserId = Type.String({ format: 'uuid', description: 'A console user\'s id.' });
export const CustomerId = Type.String({ pattern: HEX32_PATTERN, description: 'A Customer ID (32 lowercase hex characters).' });

export const ConsoleUser = Type.Object({
  id: UserId,
  email: Email,
  role: ConsoleRole,
  createdAt: IsoTime,
});
export type ConsoleUser = Static<typeof ConsoleUser>;

export const SignInBody = Type.Object(
  {
    email: Email,
    password: Password,
    session: Type.Optional(
      Type.Union([Type.Literal('cookie'), Type.Literal('bearer')], {
        default: 'cookie',
        description: '`cookie` (browsers): an HttpOnly cookie, and a CSRF token to send as `X-CSRF-Token` on every change. `bearer` (scripts): a session token to send as `Authorization: Bearer <token>`.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ email: 'admin@localhost', password: 'correct horse battery staple', session: 'bearer' }] },
);
export type SignInBody = Static<typeof SignInBody>;

export const ConsoleSession = Type.Object({
  user: ConsoleUser,
  account: Type.Object({
    customerId: CustomerId,
    plan: Type.String(),
    operator: Type.Boolean({ description: 'The operator account (made at the server\'s first start): its owners also see the server\'s cluster nodes.' }),
  }),
  csrfToken: Type.String({ description: 'Send as `X-CSRF-Token` with every request that changes something (cookie sessions).' }),
  expiresAt: IsoTime,
  token: Type.Optional(Type.String({ description: 'Bearer sessions only: the session token, shown once.' })),
});
export type ConsoleSession = Static<typeof ConsoleSession>;

export const SignedOut = Type.Object({ signedOut: Type.Literal(true) });

export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: NewPassword }, { additionalProperties: false });
export const PasswordChanged = Type.Object({ changed: Type.Literal(true) });

export const CustomerCredential = Type.Object({
  customerId: CustomerId,
  createdAt: IsoTime,
  lastUsedAt: Type.Union([IsoTime, Type.Null()], { description: 'Last authenticated request, to the minute; null if never used.' }),
});
export const CustomerCredentialList = Type.Object({ credentials: Type.Array(CustomerCredential) });
export const CreatedCustomerCredential = Type.Object({
  customerId: CustomerId,
  customerSecret: Type.String({ description: 'Shown once: only a hash is kept.' }),
  createdAt: IsoTime,
});
export const CustomerCredentialParams = Type.Object({ customerId: CustomerId });
export const DeletedCustomerCredential = Type.Object({ customerId: CustomerId, deleted: Type.Literal(true) });

export const TeamList = Type.Object({ users: Type.Array(ConsoleUser) });
export const AddTeamMemberBody = Type.Object(
  { email: Email, role: ConsoleRole, password: Type.Optional(NewPassword) },
  { additionalProperties: false, examples: [{ email: 'ops@example.com', role: 'viewer' }] },
);
export const AddedTeamMember = Type.Object({
  user: ConsoleUser,
  password: Type.Optional(Type.String({ description: 'The generated password when none was given, shown once.' })),
});
export const UpdateTeamMemberBody = Type.Object({ role: ConsoleRole }, { additionalProperties: false });
export const TeamMemberParams = Type.Object({ userId: UserId });
export const RemovedTeamMember = Type.Object({ id: UserId, removed: Type.Literal(true) });

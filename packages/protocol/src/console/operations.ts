/**
 * The console's own REST operations, described once like the v1 table (`rest/operations.ts`):
 * the server registers them, the OpenAPI document lists them under their own security scheme,
 * and the console page calls them with types derived from these schemas.
 *
 * A signed-in console user also calls the v1 project operations (channels, sessions, usage,
 * recordings, webhooks, tokens) with the session: reads need `viewer`, changes `admin`
 * (`consoleRoleFor`). Basic and Bearer callers keep exactly the access the v1 table gives them;
 * these operations accept only a console session.
 */
import Type from 'typebox';
import type { Operation } from '../rest/operations.ts';
import { ProjectParams } from '../rest/channels.ts';
import {
  AddedTeamMember,
  AddTeamMemberBody,
  ChangePasswordBody,
  ConsoleSession,
  CreatedCustomerCredential,
  CustomerCredentialList,
  CustomerCredentialParams,
  DeletedCustomerCredential,
  PasswordChanged,
  RemovedTeamMember,
  SignedOut,
  SignInBody,
  TeamList,
  TeamMemberParams,
  UpdateTeamMemberBody,
  ConsoleUser,
  type ConsoleRole,
} from './account.ts';
import {
  CertificateParams,
  CertificateSummary,
  ConsoleProject,
  ConsoleProjectList,
  CreateProjectBody,
  DeletedProject,
  LIVE_CHANNELS_EVENT,
  LIVE_CHANNELS_PATH,
  LiveChannels,
  RevealedCertificate,
  UpdateProjectBody,
} from './projects.ts';
import { ClusterNodeList } from './cluster.ts';

/**
 * An operation that answers a server-sent event stream (`text/event-stream`) instead of the JSON
 * envelope: events named `event`, each carrying the operation's `data` as JSON, until either side
 * closes it.
 */
export interface EventStreamSpec {
  event: string;
}

/**
 * Who may call a console operation: `public` needs nothing (signing in), `console` a signed-in
 * user whose role allows `role`.
 */
export interface ConsoleOperation extends Omit<Operation, 'auth'> {
  auth: 'public' | 'console';
  role: ConsoleRole;
  stream?: EventStreamSpec;
}

const TAG_SESSION = 'Console sign-in';
const TAG_PROJECTS = 'Console projects';
const TAG_ACCOUNT = 'Console account';
const TAG_CLUSTER = 'Cluster';
const Empty = Type.Object({}, { additionalProperties: false });

export const consoleOperations = {
  signIn: {
    operationId: 'signIn',
    method: 'POST',
    path: '/v1/console/sessions',
    summary: 'Sign in',
    description: 'Checks an email and password and opens a console session: an HttpOnly cookie and a CSRF token, or a bearer session token for scripts. Failed attempts are throttled per email and per address.',
    tag: TAG_SESSION,
    auth: 'public',
    role: 'viewer',
    body: SignInBody,
    data: ConsoleSession,
    errors: [400, 413, 415],
  },
  getSession: {
    operationId: 'getSession',
    method: 'GET',
    path: '/v1/console/session',
    summary: 'The current session',
    description: 'Who is signed in, their account and role, and the session\'s CSRF token and expiry.',
    tag: TAG_SESSION,
    auth: 'console',
    role: 'viewer',
    data: ConsoleSession,
    errors: [],
  },
  signOut: {
    operationId: 'signOut',
    method: 'DELETE',
    path: '/v1/console/session',
    summary: 'Sign out',
    description: 'Ends the session on the server: its cookie or token stops working at once.',
    tag: TAG_SESSION,
    auth: 'console',
    role: 'viewer',
    data: SignedOut,
    errors: [403],
  },
  changePassword: {
    operationId: 'changePassword',
    method: 'POST',
    path: '/v1/console/session/password',
    summary: 'Change your password',
    description: 'Changes the signed-in user\'s password; their other sessions end.',
    tag: TAG_SESSION,
    auth: 'console',
    role: 'viewer',
    body: ChangePasswordBody,
    data: PasswordChanged,
    errors: [400, 403, 413, 415],
  },
  listConsoleProjects: {
    operationId: 'listConsoleProjects',
    method: 'GET',
    path: '/v1/console/projects',
    summary: 'List projects',
    description: 'The account\'s projects, newest first.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'viewer',
    data: ConsoleProjectList,
    errors: [],
  },
  createConsoleProject: {
    operationId: 'createConsoleProject',
    method: 'POST',
    path: '/v1/console/projects',
    summary: 'Create a project',
    description: 'Creates a project (App ID and App Certificate) in the account.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    body: CreateProjectBody,
    data: ConsoleProject,
    errors: [400, 403, 413, 415],
  },
  updateConsoleProject: {
    operationId: 'updateConsoleProject',
    method: 'PATCH',
    path: '/v1/console/projects/:projectId',
    summary: 'Rename, disable or enable a project, or switch its testing mode',
    description:
      'A disabled project refuses joins and API calls until it is enabled again; people in its channels are disconnected. ' +
      'Testing mode on lets anyone with the App ID join any channel without a token; switching it off ends the sessions that joined without one.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    params: ProjectParams,
    body: UpdateProjectBody,
    data: ConsoleProject,
    errors: [400, 403, 404, 413, 415],
  },
  deleteConsoleProject: {
    operationId: 'deleteConsoleProject',
    method: 'DELETE',
    path: '/v1/console/projects/:projectId',
    summary: 'Delete a project',
    description: 'Deletes a project: its App ID and certificates stop working at once and its channels close. Its sessions and recordings are kept for usage and billing.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    params: ProjectParams,
    data: DeletedProject,
    errors: [403, 404],
  },
  watchLiveChannels: {
    operationId: 'watchLiveChannels',
    method: 'GET',
    path: LIVE_CHANNELS_PATH,
    summary: 'Watch live channels',
    description:
      `A server-sent event stream (\`text/event-stream\`, for \`EventSource\`): an event \`${LIVE_CHANNELS_EVENT}\` with every channel that has people in it (as Get channel describes each), first at once, then after each join, leave, publish or unpublish in the project (at most every 250 ms, only when something changed), and a \`: keepalive\` comment every 15 s. ` +
      'It ends when the session does. A user may hold 10 at once (429 past that).',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'viewer',
    params: ProjectParams,
    data: LiveChannels,
    stream: { event: LIVE_CHANNELS_EVENT },
    errors: [404],
  },
  getCertificates: {
    operationId: 'getCertificates',
    method: 'GET',
    path: '/v1/console/projects/:projectId/certificates',
    summary: 'Which App Certificates a project has',
    description: 'The primary certificate and the secondary one when enabled, without their values.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'viewer',
    params: ProjectParams,
    data: CertificateSummary,
    errors: [404],
  },
  revealCertificate: {
    operationId: 'revealCertificate',
    method: 'POST',
    path: '/v1/console/projects/:projectId/certificates/:slot/reveal',
    summary: 'Show an App Certificate',
    description: 'Answers the value of the primary or secondary App Certificate. Owners and admins only; each reveal is logged (without the value).',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    params: CertificateParams,
    data: RevealedCertificate,
    errors: [403, 404],
  },
  enableSecondaryCertificate: {
    operationId: 'enableSecondaryCertificate',
    method: 'POST',
    path: '/v1/console/projects/:projectId/certificates/secondary',
    summary: 'Enable a secondary App Certificate',
    description: 'Makes a new secondary certificate and answers its value: tokens signed by either certificate verify (joins, renewals and Bearer calls), so servers can move to the new one without downtime. A project has at most one secondary certificate (409).',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    params: ProjectParams,
    data: RevealedCertificate,
    errors: [403, 404, 409],
  },
  promoteSecondaryCertificate: {
    operationId: 'promoteSecondaryCertificate',
    method: 'POST',
    path: '/v1/console/projects/:projectId/certificates/secondary/promote',
    summary: 'Make the secondary certificate primary',
    description: 'Swaps the certificates: the secondary becomes primary (the API\'s new tokens are signed with it) and the old primary secondary, still accepted until it is deleted. 409 when there is no secondary certificate.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    params: ProjectParams,
    data: CertificateSummary,
    errors: [403, 404, 409],
  },
  deleteSecondaryCertificate: {
    operationId: 'deleteSecondaryCertificate',
    method: 'DELETE',
    path: '/v1/console/projects/:projectId/certificates/secondary',
    summary: 'Delete the secondary certificate',
    description: 'Tokens signed by the secondary certificate stop verifying at once, on every node of a scale-out; people already in a call stay until their token expires, as they cannot renew it. 409 when there is no secondary certificate.',
    tag: TAG_PROJECTS,
    auth: 'console',
    role: 'admin',
    params: ProjectParams,
    data: CertificateSummary,
    errors: [403, 404, 409],
  },
  listCustomerCredentials: {
    operationId: 'listCustomerCredentials',
    method: 'GET',
    path: '/v1/console/account/credentials',
    summary: 'List RESTful API credentials',
    description: 'The account\'s Customer IDs (their secrets are never shown again).',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'viewer',
    data: CustomerCredentialList,
    errors: [],
  },
  createCustomerCredential: {
    operationId: 'createCustomerCredential',
    method: 'POST',
    path: '/v1/console/account/credentials',
    summary: 'Create a Customer Secret',
    description: 'Makes a new Customer ID and Secret for HTTP Basic authentication; the secret is shown once.',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'admin',
    body: Empty,
    data: CreatedCustomerCredential,
    errors: [403, 409, 413, 415],
  },
  deleteCustomerCredential: {
    operationId: 'deleteCustomerCredential',
    method: 'DELETE',
    path: '/v1/console/account/credentials/:customerId',
    summary: 'Delete a Customer ID and Secret',
    description: 'Requests signed with it fail at once. The account\'s last pair cannot be deleted.',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'admin',
    params: CustomerCredentialParams,
    data: DeletedCustomerCredential,
    errors: [403, 404, 409],
  },
  listTeamMembers: {
    operationId: 'listTeamMembers',
    method: 'GET',
    path: '/v1/console/account/users',
    summary: 'List team members',
    description: 'The console users of the account and their roles. Owners only.',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'owner',
    data: TeamList,
    errors: [403],
  },
  addTeamMember: {
    operationId: 'addTeamMember',
    method: 'POST',
    path: '/v1/console/account/users',
    summary: 'Add a team member',
    description: 'Adds a console user with a role; without a password, one is generated and shown once. Owners only.',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'owner',
    body: AddTeamMemberBody,
    data: AddedTeamMember,
    errors: [400, 403, 409, 413, 415],
  },
  updateTeamMember: {
    operationId: 'updateTeamMember',
    method: 'PATCH',
    path: '/v1/console/account/users/:userId',
    summary: 'Change a member\'s role',
    description: 'The account always keeps one owner. Owners only.',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'owner',
    params: TeamMemberParams,
    body: UpdateTeamMemberBody,
    data: ConsoleUser,
    errors: [400, 403, 404, 409, 413, 415],
  },
  removeTeamMember: {
    operationId: 'removeTeamMember',
    method: 'DELETE',
    path: '/v1/console/account/users/:userId',
    summary: 'Remove a team member',
    description: 'Their sessions end at once. The account always keeps one owner. Owners only.',
    tag: TAG_ACCOUNT,
    auth: 'console',
    role: 'owner',
    params: TeamMemberParams,
    data: RemovedTeamMember,
    errors: [403, 404, 409],
  },
  listClusterNodes: {
    operationId: 'listClusterNodes',
    method: 'GET',
    path: '/v1/cluster/nodes',
    summary: 'List the cluster\'s nodes',
    description:
      'Every node whose heartbeat is current: its URL, state (`serving` or `draining`) and load. One node alone lists itself. Owners of the operator account only: the account made at the server\'s first start, whose console runs the server.',
    tag: TAG_CLUSTER,
    auth: 'console',
    role: 'owner',
    data: ClusterNodeList,
    errors: [403],
  },
} as const satisfies Record<string, ConsoleOperation>;

export type ConsoleOperationId = keyof typeof consoleOperations;

/** The role a console user needs to call a v1 project operation: reads `viewer`, changes `admin`. */
export function consoleRoleFor(operation: Pick<Operation, 'method'>): ConsoleRole {
  return operation.method === 'GET' ? 'viewer' : 'admin';
}

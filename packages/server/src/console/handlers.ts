/**
 * What each console operation does, over the console, project, channel and token services. Routes,
 * auth and roles are console/routes.ts's; handlers only translate between the wire and the services.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { consoleOperations, ConsoleOperationId, ConsoleSession, EventStreamSpec } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import type { Access, Caller } from '../http/guard/caller.ts';
import type { EventStream } from '../http/eventStream.ts';
import { SESSION_COOKIE } from '../http/guard/consoleSessionAuthenticator.ts';
import type { Project, ProjectCertificates, ProjectService } from '../projects/service.ts';
import type { CustomerCredential } from '../projects/service.ts';
import type { Services } from '../services.ts';
import { watchLiveChannels } from './liveChannels.ts';
import { generatePassword } from './passwords.ts';
import type { ConsoleUser } from './users.ts';

type UserCaller = Extract<Caller, { kind: 'user' }>;

/** What a console handler is given: the operation's checked params and body, the signed-in user, and the request for cookies and logs. */
type Op<K extends ConsoleOperationId> = (typeof consoleOperations)[K];
type Input<K extends ConsoleOperationId> = {
  params: Op<K> extends { params: infer P } ? Static<P & object> : undefined;
  body: Op<K> extends { body: infer B } ? Static<B & object> : undefined;
  caller: UserCaller;
  access: Access;
  request: FastifyRequest;
  reply: FastifyReply;
};
export type ConsoleHandler<K extends ConsoleOperationId> = (input: Input<K>) => Promise<Static<Op<K>['data']>>;
/** An event stream operation's handler sends on the stream it is given until the stream closes. */
export type ConsoleStreamHandler<K extends ConsoleOperationId> = (input: Input<K> & { stream: EventStream<Static<Op<K>['data']>> }) => Promise<void>;
/** The operations this server answers; the table's others are not registered (see the README). */
export type ConsoleHandlers = { [K in ConsoleOperationId]?: Op<K> extends { stream: EventStreamSpec } ? ConsoleStreamHandler<K> : ConsoleHandler<K> };

function userView(user: ConsoleUser) {
  return { id: user.id, email: user.email, role: user.role, createdAt: new Date(user.createdAt).toISOString() };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Which certificates a project has and since when; never their values. */
function certificateSummary(certificates: ProjectCertificates) {
  return {
    primary: { createdAt: iso(certificates.primary.createdAt) },
    secondary: certificates.secondary ? { createdAt: iso(certificates.secondary.createdAt) } : null,
  };
}

async function projectCertificates(projects: ProjectService, access: Access): Promise<ProjectCertificates> {
  const certificates = await projects.certificates(access.project!.appId);
  if (!certificates) throw new DomainError('not_found', 'No project with this App ID in your account', 'projectId');
  return certificates;
}

/** A project as the console shows it (ProjectService's Project plus when it was made). */
function consoleProjectView(project: Project & { createdAt: number }) {
  return { appId: project.appId, name: project.name, status: project.status, testingMode: project.testingMode, createdAt: iso(project.createdAt) };
}

function customerCredentialView(credential: CustomerCredential) {
  return { customerId: credential.customerId, createdAt: new Date(credential.createdAt).toISOString(), lastUsedAt: credential.lastUsedAt === null ? null : new Date(credential.lastUsedAt).toISOString() };
}

function sessionView(user: ConsoleUser, account: UserCaller['account'], operator: boolean, session: { csrfToken: string; expiresAt: number }): ConsoleSession {
  return { user: userView(user), account: { customerId: account.customerId, plan: account.plan, operator }, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
}

/** The session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: number): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/', expires: new Date(expiresAt) });
}

function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function consoleHandlers(services: Services): ConsoleHandlers {
  const { console, projects } = services;
  return {
    signIn: async ({ body, request, reply }) => {
      const kind = body.session ?? 'cookie';
      const { user, session } = await console.signIn({ email: body.email, password: body.password, ip: request.ip, kind });
      const account = await projects.findAccount(user.accountId);
      if (!account) throw new DomainError('unauthorized', 'The email or password is wrong', 'password');
      if (kind === 'cookie') setSessionCookie(request, reply, session.token, session.expiresAt);
      request.log.info({ userId: user.id, kind }, 'console sign-in');
      return { ...sessionView(user, account, await projects.isOperatorAccount(account.id), session), ...(kind === 'bearer' ? { token: session.token } : {}) };
    },
    getSession: async ({ caller }) => sessionView(caller.user, caller.account, await projects.isOperatorAccount(caller.account.id), caller.session),
    signOut: async ({ caller, reply }) => {
      await console.sessions.close(caller.session.token);
      if (caller.session.kind === 'cookie') clearSessionCookie(reply);
      return { signedOut: true as const };
    },
    changePassword: async ({ caller, body, reply }) => {
      if (!(await console.users.authenticate(caller.user.email, body.currentPassword))) throw new DomainError('invalid_parameter', 'The current password is wrong', 'currentPassword');
      await console.users.setPassword(caller.user.email, body.newPassword);
      if (caller.session.kind === 'cookie') clearSessionCookie(reply);
      return { changed: true as const };
    },
    listConsoleProjects: async ({ caller }) => ({
      projects: (await projects.listProjects(caller.account.id)).map(consoleProjectView),
    }),
    createConsoleProject: async ({ caller, body, request }) => {
      const created = await projects.createProject({ name: body.name, customerId: caller.account.customerId });
      request.log.info({ appId: created.appId, userId: caller.user.id }, 'project created from the console');
      const [listed] = (await projects.listProjects(caller.account.id)).filter((project) => project.appId === created.appId);
      return consoleProjectView(listed ?? { appId: created.appId, accountId: caller.account.id, name: created.name, status: 'active', testingMode: false, createdAt: Date.now() });
    },
    updateConsoleProject: async ({ access, caller, body, request }) => {
      const appId = access.project!.appId;
      await projects.updateProject(appId, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.testingMode !== undefined ? { testingMode: body.testingMode } : {}),
      });
      // Disabling ends the project's calls now; new joins are refused from here on.
      if (body.status === 'disabled') {
        for (const { channel } of await services.rtc.channelCounts(appId)) await services.rtc.closeChannel(appId, channel);
      }
      if (body.status !== undefined) request.log.info({ appId, userId: caller.user.id }, `project ${appId} ${body.status === 'disabled' ? 'disabled' : 'enabled'} from the console`);
      if (body.testingMode !== undefined) {
        // Enforcing the certificate: no session that joined without a token outlives the switch.
        const ended = body.testingMode ? 0 : await services.rtc.endTokenlessSessions(appId);
        request.log.info({ appId, userId: caller.user.id, ended }, `testing mode of project ${appId} switched ${body.testingMode ? 'on' : 'off'} from the console`);
      }
      const [project] = (await projects.listProjects(caller.account.id)).filter((p) => p.appId === appId);
      return consoleProjectView(project!);
    },
    watchLiveChannels: async ({ access, request, stream }) => {
      const stop = watchLiveChannels({ events: services.events, channels: services.channels, log: request.log }, access.project!.appId, (data) => stream.send(data));
      stream.onClose(stop);
    },
    getCertificates: async ({ access }) => certificateSummary(await projectCertificates(projects, access)),
    revealCertificate: async ({ params, access, caller, request }) => {
      const certificate = (await projectCertificates(projects, access))[params.slot];
      if (!certificate) throw new DomainError('not_found', `This project has no ${params.slot} certificate`, 'slot');
      // Who saw a certificate is worth knowing later; the value never reaches the log.
      request.log.info({ appId: access.project!.appId, slot: params.slot, userId: caller.user.id }, 'App Certificate shown');
      return { slot: params.slot, appCertificate: certificate.value, createdAt: iso(certificate.createdAt) };
    },
    enableSecondaryCertificate: async ({ access, caller, request }) => {
      const appId = access.project!.appId;
      const certificate = await projects.enableSecondaryCertificate(appId);
      request.log.info({ appId, userId: caller.user.id }, `secondary App Certificate enabled for project ${appId}`);
      return { slot: 'secondary' as const, appCertificate: certificate.value, createdAt: iso(certificate.createdAt) };
    },
    promoteSecondaryCertificate: async ({ access, caller, request }) => {
      const appId = access.project!.appId;
      const certificates = await projects.promoteSecondaryCertificate(appId);
      request.log.info({ appId, userId: caller.user.id }, `secondary App Certificate of project ${appId} promoted to primary`);
      return certificateSummary(certificates);
    },
    deleteSecondaryCertificate: async ({ access, caller, request }) => {
      const appId = access.project!.appId;
      const certificates = await projects.deleteSecondaryCertificate(appId);
      request.log.info({ appId, userId: caller.user.id }, `secondary App Certificate of project ${appId} deleted`);
      return certificateSummary(certificates);
    },
    deleteConsoleProject: async ({ access, caller, request }) => {
      const appId = access.project!.appId;
      await projects.deleteProject(appId);
      // Its calls end now; from here on its App ID is found by nothing (API, tokens, joins).
      for (const { channel } of await services.rtc.channelCounts(appId)) await services.rtc.closeChannel(appId, channel);
      request.log.info({ appId, userId: caller.user.id }, `project ${appId} deleted from the console`);
      return { appId, deleted: true as const };
    },
    listCustomerCredentials: async ({ caller }) => ({ credentials: (await projects.listCustomerCredentials(caller.account.id)).map(customerCredentialView) }),
    createCustomerCredential: async ({ caller, request }) => {
      const created = await projects.createCustomerCredential(caller.account.id);
      // Who made which pair is worth knowing later; the secret never reaches the log.
      request.log.info({ customerId: created.customerId, userId: caller.user.id }, 'Customer ID/Secret created from the console');
      return { customerId: created.customerId, customerSecret: created.customerSecret, createdAt: new Date(created.createdAt).toISOString() };
    },
    deleteCustomerCredential: async ({ caller, params, request }) => {
      await projects.deleteCustomerCredential(caller.account.id, params.customerId);
      request.log.info({ customerId: params.customerId, userId: caller.user.id }, 'Customer ID/Secret deleted from the console');
      return { customerId: params.customerId, deleted: true as const };
    },
    listClusterNodes: async ({ caller }) => {
      if (!(await projects.isOperatorAccount(caller.account.id))) throw new DomainError('forbidden', 'Only owners of the operator account (the one made at the server\'s first start) see the cluster');
      const { homes, membership } = services.cluster;
      const now = Date.now();
      const nodes = (await homes.nodes()).sort((a, b) => a.id.localeCompare(b.id));
      return {
        nodes: nodes.map((node) => ({
          id: node.id,
          url: node.url,
          state: node.state,
          self: node.id === membership.nodeId,
          participants: node.load.participants,
          rooms: node.load.rooms,
          forwardedStreams: node.load.forwardedStreams,
          cpu: node.load.cpu,
          cores: node.load.cores,
          startedAt: new Date(node.startedAt).toISOString(),
          heartbeatAgeMs: Math.max(0, now - node.heartbeatAt),
        })),
      };
    },
    listTeamMembers: async ({ caller }) => ({ users: (await console.users.list(caller.account.id)).map(userView) }),
    addTeamMember: async ({ caller, body }) => {
      const password = body.password ?? generatePassword();
      const user = await console.users.create({ accountId: caller.account.id, email: body.email, password, role: body.role });
      return { user: userView(user), ...(body.password === undefined ? { password } : {}) };
    },
    updateTeamMember: async ({ caller, params, body }) => userView(await console.users.setRole(caller.account.id, params.userId, body.role)),
    removeTeamMember: async ({ caller, params }) => {
      await console.users.remove(caller.account.id, params.userId);
      return { id: params.userId, removed: true as const };
    },
  };
}

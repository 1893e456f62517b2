/**
 * Projects as the console manages them: list, create, rename, disable, delete, testing mode (joins
 * without a token), and the App Certificates with a secondary one for rotation without downtime
 * (tokens signed by either verify).
 */
import Type, { type Static } from 'typebox';
import { Channel } from '../rest/channels.ts';
import { IsoTime, ProjectId } from '../rest/common.ts';

export const ProjectName = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S(.*\\S)?$', description: 'A name for people (1-64 characters, no surrounding spaces).', examples: ['My video app'] });
export const ProjectStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')], {
  description: '`disabled`: joins and API calls for the project are refused until it is enabled again.',
});

export const TestingMode = Type.Boolean({
  description:
    "Agora's testing mode. `true`: joins with no token (`client.join(appId, channel, null)`) are accepted with full privileges, so anyone with the App ID can join any channel; tokens sent are still checked. " +
    '`false` (the default): every join needs a token; switching it off ends the sessions that joined without one.',
});

export const ConsoleProject = Type.Object({
  appId: ProjectId,
  name: ProjectName,
  status: ProjectStatus,
  testingMode: TestingMode,
  createdAt: IsoTime,
});
export type ConsoleProject = Static<typeof ConsoleProject>;

export const ConsoleProjectList = Type.Object({ projects: Type.Array(ConsoleProject) });
export const CreateProjectBody = Type.Object({ name: ProjectName }, { additionalProperties: false, examples: [{ name: 'My video app' }] });
export const UpdateProjectBody = Type.Object(
  { name: Type.Optional(ProjectName), status: Type.Optional(ProjectStatus), testingMode: Type.Optional(TestingMode) },
  { additionalProperties: false, minProperties: 1, examples: [{ status: 'disabled' }, { testingMode: false }] },
);
export const DeletedProject = Type.Object({ appId: ProjectId, deleted: Type.Literal(true) });

export const CertificateSlot = Type.Union([Type.Literal('primary'), Type.Literal('secondary')]);
export type CertificateSlot = Static<typeof CertificateSlot>;
export const CertificateParams = Type.Object({ projectId: ProjectId, slot: CertificateSlot });

const CertificateInfo = Type.Object({ createdAt: IsoTime });
export const CertificateSummary = Type.Object({
  primary: CertificateInfo,
  secondary: Type.Union([CertificateInfo, Type.Null()], { description: 'The secondary certificate, when enabled; tokens signed by it verify too.' }),
});
export const RevealedCertificate = Type.Object({
  slot: CertificateSlot,
  appCertificate: Type.String({ description: 'The App Certificate (32 hex characters): sign tokens with it, keep it secret.' }),
  createdAt: IsoTime,
});

/**
 * `GET /v1/console/projects/:projectId/live` is a server-sent event stream (`text/event-stream`):
 * an event `channels` with every channel that has people in it, first at once and then each
 * time someone joins, leaves, starts or stops publishing (at most every 250 ms), and a comment
 * line every 15 s to keep proxies from closing it.
 */
export const LIVE_CHANNELS_EVENT = 'channels';
export const LIVE_CHANNELS_PATH = '/v1/console/projects/:projectId/live';
export const LiveChannels = Type.Object({ channels: Type.Array(Channel) }, { description: 'The data of each `channels` event.' });
export type LiveChannels = Static<typeof LiveChannels>;

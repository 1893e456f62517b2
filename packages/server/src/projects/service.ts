/**
 * Accounts and projects: creating them, checking Customer credentials, finding App Certificates
 * and rotating them (a secondary certificate beside the primary; tokens signed by either verify).
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isAgoraId } from '@parley/token';
import { DomainError } from '../domainError.ts';
import { GenerationCache, MemoryGenerations, type Generations } from '../live/index.ts';
import { andThen, type MaybeAsync } from '../maybeAsync.ts';
import type { Db } from '../store/database.ts';
import { CertificateCipher, hashSecret, newHex32, secretMatches } from './credentials.ts';
import * as credentialStore from './customerCredentialStore.ts';
import * as store from './store.ts';

export const PLANS = ['starter', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** Requests a minute per plan, as the seed page lists them. */
export const PLAN_RATE_LIMITS: Record<Plan, number> = { starter: 100, pro: 500, enterprise: 1000 };

export interface Account {
  id: string;
  customerId: string;
  plan: Plan;
}

export type ProjectStatus = 'active' | 'disabled';

export interface Project {
  appId: string;
  accountId: string;
  name: string;
  /** `disabled`: joins and API calls are refused until the project is enabled again. */
  status: ProjectStatus;
  /**
   * Agora's "testing mode": joins with no token (App ID only) are accepted with full privileges.
   * Off by default; switching it off ("enforce the certificate") requires tokens again.
   */
  testingMode: boolean;
}

export interface Certificate {
  /** The App Certificate itself: a secret, never logged. */
  value: string;
  createdAt: number;
}

export interface ProjectCertificates {
  primary: Certificate;
  /** Accepted beside the primary while servers move to it; undefined when none is enabled. */
  secondary: Certificate | undefined;
}

export interface CreatedProject {
  appId: string;
  appCertificate: string;
  customerId: string;
  /** Only when the account was created now: the secret is shown once and never stored. */
  customerSecret?: string;
  plan: Plan;
  name: string;
}

export interface CustomerCredential {
  customerId: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Enough for one pair per backend service; a cap keeps a runaway script from filling the table. */
export const MAX_CUSTOMER_CREDENTIALS = 20;

function credentialView(row: credentialStore.CustomerCredentialRow): CustomerCredential {
  return { customerId: row.customer_id, createdAt: Number(row.created_at), lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at) };
}

export class UnknownCustomerError extends Error {}

const DEMO_PROJECT_SETTING = 'demo_app_id';

/**
 * Every authenticated request reads its account and project; caching those reads takes two
 * queries and a hash off the hot path. Each entry is kept while its generation reads the same
 * (live/generationCache.ts): deleting a Customer ID/Secret pair, deleting or changing a project
 * or rotating its certificates bumps it once committed, so every node, this one at once, reloads
 * on its next request. Only hits are cached (a new account or project is visible at once).
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * Each entry lives between 80% and 100% of the TTL. Accounts first used together (a restart, a
 * burst of traffic) would otherwise all expire in the same instant and reload at once: with 400
 * busy accounts on PostgreSQL, 800 queries landed within a tenth of a second each time (bench:api).
 */
function cacheTtl(): number {
  return Math.round(CACHE_TTL_MS * (0.8 + 0.2 * Math.random()));
}

const credentialGeneration = (customerId: string): string => `credential:${customerId}`;
const projectGeneration = (appId: string): string => `project:${appId}`;

interface CachedCredentials {
  secretHash: string;
  account: Account;
}

export class ProjectService {
  #db: Db;
  #cipher: CertificateCipher;
  #accounts: GenerationCache<CachedCredentials | undefined>;
  #lastUse = new LRUCache<string, number>({ max: CACHE_MAX });
  #projects: GenerationCache<(Project & { certificates: ProjectCertificates }) | undefined>;

  /** `generations`: the node's (live state); alone, a process's own (the CLI's commands, tests). */
  constructor(db: Db, secretKey: string | undefined, generations: Generations = new MemoryGenerations()) {
    this.#db = db;
    this.#cipher = new CertificateCipher(secretKey);
    this.#accounts = new GenerationCache(generations, { max: CACHE_MAX, ttlMs: cacheTtl });
    this.#projects = new GenerationCache(generations, { max: CACHE_MAX, ttlMs: cacheTtl });
  }

  /** Creates a project, in a new account unless `customerId` names an existing one. */
  async createProject(input: { name: string; plan?: Plan; customerId?: string }): Promise<CreatedProject> {
    return this.#db.transaction().execute(async (trx) => {
      const now = Date.now();
      let account = input.customerId ? await store.findAccountByCustomerId(trx, input.customerId) : undefined;
      let customerSecret: string | undefined;
      if (input.customerId && !account) throw new UnknownCustomerError(`no account has Customer ID ${input.customerId}`);
      if (!account) {
        customerSecret = newHex32();
        account = {
          id: randomUUID(),
          customer_id: newHex32(),
          customer_secret_hash: hashSecret(customerSecret),
          plan: input.plan ?? 'starter',
          created_at: now,
        };
        await store.insertAccount(trx, account);
        await credentialStore.insertCredential(trx, { customer_id: account.customer_id, account_id: account.id, secret_hash: account.customer_secret_hash, created_at: now, last_used_at: null });
      }
      const appCertificate = newHex32();
      const project = {
        app_id: newHex32(),
        account_id: account.id,
        name: input.name,
        app_certificate: this.#cipher.seal(appCertificate),
        app_certificate_created_at: now,
        secondary_certificate: null,
        secondary_certificate_created_at: null,
        created_at: now,
        status: 'active' as const,
        deleted_at: null,
        testing_mode: 0,
      };
      await store.insertProject(trx, project);
      return {
        appId: project.app_id,
        appCertificate,
        customerId: account.customer_id,
        ...(customerSecret ? { customerSecret } : {}),
        plan: account.plan,
        name: project.name,
      };
    });
  }

  /** The account whose Customer ID and Secret these are (any of its pairs), checked in constant time; undefined otherwise. */
  authenticateCustomer(customerId: string, customerSecret: string): MaybeAsync<Account | undefined> {
    // Customer IDs are 32 hex characters; anything else is no account and stays out of the database
    // (PostgreSQL answers a NUL byte in text with an error). The decoy check keeps the time alike.
    if (!isAgoraId(customerId)) return void secretMatches(customerSecret, undefined);
    // The secret is still checked on every request, against the cached hash, in constant time.
    const credentials = this.#accounts.get(customerId, credentialGeneration(customerId), () => this.#loadCredentials(customerId));
    return andThen(credentials, (cached) => {
      if (!secretMatches(customerSecret, cached?.secretHash) || !cached) return undefined;
      this.#noteUse(customerId);
      return cached.account;
    });
  }

  /** A Customer ID's secret hash and account from the database. */
  async #loadCredentials(customerId: string): Promise<CachedCredentials | undefined> {
    const found = await credentialStore.findCredential(this.#db, customerId);
    return found && { secretHash: found.credential.secret_hash, account: { id: found.account.id, customerId: found.account.customer_id, plan: found.account.plan } };
  }

  /**
   * Records when a pair was last used, to the minute and at most once a minute per pair per node,
   * so the hot path does not write on every request. A failed write (full disk) loses only this.
   */
  #noteUse(customerId: string, now = Date.now()): void {
    const minute = Math.floor(now / 60_000) * 60_000;
    if (this.#lastUse.get(customerId) === minute) return;
    this.#lastUse.set(customerId, minute);
    credentialStore.touchCredential(this.#db, customerId, minute).catch(() => this.#lastUse.delete(customerId));
  }

  /** An account's Customer IDs, oldest first (secrets are never kept). */
  async listCustomerCredentials(accountId: string): Promise<CustomerCredential[]> {
    return (await credentialStore.listCredentials(this.#db, accountId)).map(credentialView);
  }

  /** A new Customer ID and Secret for the account; the secret is returned once and only its hash kept. */
  async createCustomerCredential(accountId: string, now = Date.now()): Promise<CustomerCredential & { customerSecret: string }> {
    const existing = await credentialStore.listCredentials(this.#db, accountId);
    if (existing.length >= MAX_CUSTOMER_CREDENTIALS) {
      throw new DomainError('conflict', `An account has at most ${MAX_CUSTOMER_CREDENTIALS} Customer ID/Secret pairs; delete one you no longer use first`, 'customerId');
    }
    const customerSecret = newHex32();
    const row = { customer_id: newHex32(), account_id: accountId, secret_hash: hashSecret(customerSecret), created_at: now, last_used_at: null };
    await credentialStore.insertCredential(this.#db, row);
    return { ...credentialView(row), customerSecret };
  }

  /**
   * Deletes one of the account's pairs; requests signed with it fail at once on this node and on
   * others once the change reaches them (Redis's invalidation). The last pair stays, so the account
   * keeps a way in.
   */
  async deleteCustomerCredential(accountId: string, customerId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const credentials = await credentialStore.listCredentials(trx, accountId);
      if (!credentials.some((credential) => credential.customer_id === customerId)) throw new DomainError('not_found', `The account has no Customer ID ${customerId}`, 'customerId');
      if (credentials.length === 1) throw new DomainError('conflict', 'This is the account\'s last Customer ID/Secret pair: create another before deleting it', 'customerId');
      await credentialStore.deleteCredential(trx, accountId, customerId);
    });
    await this.#accounts.changed(credentialGeneration(customerId));
  }

  /**
   * Deletes a project: it is found by nothing from now on (API calls, token checks, joins), on
   * this node at once and on others once the change reaches them. Its sessions, recordings and usage
   * stay in the store. The caller closes its live channels.
   */
  async deleteProject(appId: string, now = Date.now()): Promise<void> {
    if (!(await store.markProjectDeleted(this.#db, appId, now))) throw new DomainError('not_found', `No project ${appId}`, 'projectId');
    await this.#projects.changed(projectGeneration(appId));
  }

  async findAccount(id: string): Promise<Account | undefined> {
    const row = await store.findAccountById(this.#db, id);
    return row && { id: row.id, customerId: row.customer_id, plan: row.plan };
  }

  #project(appId: string): MaybeAsync<(Project & { certificates: ProjectCertificates }) | undefined> {
    return this.#projects.get(appId, projectGeneration(appId), () => this.#loadProject(appId));
  }

  async #loadProject(appId: string): Promise<(Project & { certificates: ProjectCertificates }) | undefined> {
    const row = await store.findProject(this.#db, appId);
    return row && { ...projectView(row), certificates: this.#openCertificates(row) };
  }

  #openCertificates(row: store.CertificateColumns): ProjectCertificates {
    const secondary = row.secondary_certificate;
    return {
      primary: { value: this.#cipher.open(row.app_certificate), createdAt: Number(row.app_certificate_created_at) },
      secondary: secondary === null ? undefined : { value: this.#cipher.open(secondary), createdAt: Number(row.secondary_certificate_created_at) },
    };
  }

  /** At once when cached (every authenticated request asks), else from the database. */
  findProject(appId: string): MaybeAsync<Project | undefined> {
    return andThen(this.#project(appId), (project) => project && { appId: project.appId, accountId: project.accountId, name: project.name, status: project.status, testingMode: project.testingMode });
  }

  /** An account's projects (every project without `accountId`), newest first, with when each was made. */
  async listProjects(accountId?: string): Promise<Array<Project & { createdAt: number }>> {
    return (await store.listProjects(this.#db, accountId)).map((row) => ({ ...projectView(row), createdAt: Number(row.created_at) }));
  }

  async listAccounts(): Promise<Account[]> {
    return (await store.listAccounts(this.#db)).map((row) => ({ id: row.id, customerId: row.customer_id, plan: row.plan }));
  }

  async findAccountByCustomerId(customerId: string): Promise<Account | undefined> {
    const row = isAgoraId(customerId) ? await store.findAccountByCustomerId(this.#db, customerId) : undefined;
    return row && { id: row.id, customerId: row.customer_id, plan: row.plan };
  }

  async updateProject(appId: string, change: { name?: string; status?: ProjectStatus; testingMode?: boolean }): Promise<void> {
    const { testingMode, ...columns } = change;
    await store.updateProject(this.#db, appId, { ...columns, ...(testingMode !== undefined ? { testing_mode: testingMode ? 1 : 0 } : {}) });
    await this.#projects.changed(projectGeneration(appId));
  }

  /** The App Certificate that signs this project's tokens: the primary. */
  async findCertificate(appId: string): Promise<string | undefined> {
    return (await this.#project(appId))?.certificates.primary.value;
  }

  /** Every certificate whose tokens verify: the primary, and the secondary while one is enabled. */
  async findCertificates(appId: string): Promise<string[] | undefined> {
    const certificates = (await this.#project(appId))?.certificates;
    return certificates && [certificates.primary.value, ...(certificates.secondary ? [certificates.secondary.value] : [])];
  }

  async certificates(appId: string): Promise<ProjectCertificates | undefined> {
    return (await this.#project(appId))?.certificates;
  }

  /** Makes a new secondary certificate; a project has at most one. */
  async enableSecondaryCertificate(appId: string, now = Date.now()): Promise<Certificate> {
    const value = newHex32();
    await this.#rotate(appId, (current) => {
      if (current.secondary_certificate !== null) throw new DomainError('conflict', 'This project already has a secondary certificate; promote or delete it first', 'slot');
      return { ...current, secondary_certificate: this.#cipher.seal(value), secondary_certificate_created_at: now };
    });
    return { value, createdAt: now };
  }

  /** Swaps the certificates: the secondary signs from now on, the old primary is still accepted until deleted. */
  promoteSecondaryCertificate(appId: string): Promise<ProjectCertificates> {
    return this.#rotate(appId, (current) => {
      if (current.secondary_certificate === null) throw noSecondary();
      return {
        app_certificate: current.secondary_certificate,
        app_certificate_created_at: Number(current.secondary_certificate_created_at),
        secondary_certificate: current.app_certificate,
        secondary_certificate_created_at: Number(current.app_certificate_created_at),
      };
    });
  }

  /** Deletes the secondary certificate: tokens signed by it stop verifying. */
  deleteSecondaryCertificate(appId: string): Promise<ProjectCertificates> {
    return this.#rotate(appId, (current) => {
      if (current.secondary_certificate === null) throw noSecondary();
      return { ...current, secondary_certificate: null, secondary_certificate_created_at: null };
    });
  }

  /**
   * One rotation step from the stored certificates (never the cache), written only if nobody
   * changed them meanwhile. Every node reloads them, this one at once.
   */
  async #rotate(appId: string, change: (current: store.CertificateColumns) => store.CertificateColumns): Promise<ProjectCertificates> {
    const row = await store.findProject(this.#db, appId);
    if (!row) throw new DomainError('not_found', 'No project with this App ID in your account', 'projectId');
    const current: store.CertificateColumns = {
      app_certificate: row.app_certificate,
      app_certificate_created_at: Number(row.app_certificate_created_at),
      secondary_certificate: row.secondary_certificate,
      secondary_certificate_created_at: row.secondary_certificate_created_at === null ? null : Number(row.secondary_certificate_created_at),
    };
    const next = change(current);
    const written = await store.replaceCertificates(this.#db, appId, current, next);
    // Also when nothing was written: whoever changed them meanwhile bumped already; one more reload costs little.
    await this.#projects.changed(projectGeneration(appId));
    if (!written) throw new DomainError('conflict', 'The certificates changed while this request ran; read them again and retry', 'slot');
    return this.#openCertificates(next);
  }

  /** Creates the account and demo project of a first start, and remembers which project it is. */
  async createDemoProject(): Promise<CreatedProject> {
    const created = await this.createProject({ name: 'Demo project', plan: 'starter' });
    await store.setSetting(this.#db, DEMO_PROJECT_SETTING, created.appId);
    return created;
  }

  /** The demo project's App ID, whose tokens the dev-mode call page may mint. */
  demoAppId(): Promise<string | undefined> {
    return store.getSetting(this.#db, DEMO_PROJECT_SETTING);
  }

  /**
   * Whether `accountId` is the operator's: the account made first (at the server's first start),
   * whose owners see the server itself (its cluster nodes), not only their projects.
   */
  async isOperatorAccount(accountId: string): Promise<boolean> {
    return (await store.firstAccountId(this.#db)) === accountId;
  }

  async hasAnyAccount(): Promise<boolean> {
    return (await store.countAccounts(this.#db)) > 0;
  }
}

function projectView(row: store.ProjectRow): Project {
  // PostgreSQL and SQLite both hand the integer back; anything but 1 keeps tokens required.
  return { appId: row.app_id, accountId: row.account_id, name: row.name, status: row.status, testingMode: Number(row.testing_mode) === 1 };
}

function noSecondary(): DomainError {
  return new DomainError('conflict', 'This project has no secondary certificate; enable one first', 'slot');
}

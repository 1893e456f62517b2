/**
 * Accounts and projects: creating them, checking Customer credentials, finding App Certificates.
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isAgoraId } from '@parley/token';
import type { Db } from '../store/database.ts';
import { CertificateCipher, hashSecret, newHex32, secretMatches } from './credentials.ts';
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

export class UnknownCustomerError extends Error {}

const DEMO_PROJECT_SETTING = 'demo_app_id';

/**
 * Every authenticated request reads its account and project; caching those reads for a few
 * seconds takes two queries and a hash off the hot path. Only hits are cached (a new account or
 * project is visible at once); a change to an existing one reaches other nodes within the TTL.
 */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

interface CachedCredentials {
  secretHash: string;
  account: Account;
}

export class ProjectService {
  #db: Db;
  #cipher: CertificateCipher;
  #accounts = new LRUCache<string, CachedCredentials>({ max: CACHE_MAX, ttl: CACHE_TTL_MS });
  #projects = new LRUCache<string, Project & { certificate: string }>({ max: CACHE_MAX, ttl: CACHE_TTL_MS });

  constructor(db: Db, secretKey: string | undefined) {
    this.#db = db;
    this.#cipher = new CertificateCipher(secretKey);
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
      }
      const appCertificate = newHex32();
      const project = { app_id: newHex32(), account_id: account.id, name: input.name, app_certificate: this.#cipher.seal(appCertificate), created_at: now, status: 'active' as const };
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

  /** The account whose Customer ID and Secret these are, checked in constant time; undefined otherwise. */
  async authenticateCustomer(customerId: string, customerSecret: string): Promise<Account | undefined> {
    // Customer IDs are 32 hex characters; anything else is no account and stays out of the database
    // (PostgreSQL answers a NUL byte in text with an error). The decoy check keeps the time alike.
    if (!isAgoraId(customerId)) return void secretMatches(customerSecret, undefined);
    // The secret is still checked on every request, against the cached hash, in constant time.
    const cached = this.#accounts.get(customerId);
    if (cached) return secretMatches(customerSecret, cached.secretHash) ? cached.account : undefined;
    const row = await store.findAccountByCustomerId(this.#db, customerId);
    if (!secretMatches(customerSecret, row?.customer_secret_hash) || !row) return undefined;
    const account: Account = { id: row.id, customerId: row.customer_id, plan: row.plan };
    this.#accounts.set(customerId, { secretHash: row.customer_secret_hash, account });
    return account;
  }

  async findAccount(id: string): Promise<Account | undefined> {
    const row = await store.findAccountById(this.#db, id);
    return row && { id: row.id, customerId: row.customer_id, plan: row.plan };
  }

  async #project(appId: string): Promise<(Project & { certificate: string }) | undefined> {
    const cached = this.#projects.get(appId);
    if (cached) return cached;
    const row = await store.findProject(this.#db, appId);
    if (!row) return undefined;
    const project = { appId: row.app_id, accountId: row.account_id, name: row.name, status: row.status, certificate: this.#cipher.open(row.app_certificate) };
    this.#projects.set(appId, project);
    return project;
  }

  async findProject(appId: string): Promise<Project | undefined> {
    const project = await this.#project(appId);
    return project && { appId: project.appId, accountId: project.accountId, name: project.name, status: project.status };
  }

  /** An account's projects (every project without `accountId`), newest first, with when each was made. */
  async listProjects(accountId?: string): Promise<Array<Project & { createdAt: number }>> {
    return (await store.listProjects(this.#db, accountId)).map((row) => ({ appId: row.app_id, accountId: row.account_id, name: row.name, status: row.status, createdAt: Number(row.created_at) }));
  }

  async listAccounts(): Promise<Account[]> {
    return (await store.listAccounts(this.#db)).map((row) => ({ id: row.id, customerId: row.customer_id, plan: row.plan }));
  }

  async findAccountByCustomerId(customerId: string): Promise<Account | undefined> {
    const row = isAgoraId(customerId) ? await store.findAccountByCustomerId(this.#db, customerId) : undefined;
    return row && { id: row.id, customerId: row.customer_id, plan: row.plan };
  }

  async updateProject(appId: string, change: { name?: string; status?: ProjectStatus }): Promise<void> {
    await store.updateProject(this.#db, appId, change);
    // Other nodes see the change within the cache's TTL (5 s); this one at once.
    this.#projects.delete(appId);
  }

  /** The App Certificate that signs this project's tokens. */
  async findCertificate(appId: string): Promise<string | undefined> {
    return (await this.#project(appId))?.certificate;
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

  async hasAnyAccount(): Promise<boolean> {
    return (await store.countAccounts(this.#db)) > 0;
  }
}

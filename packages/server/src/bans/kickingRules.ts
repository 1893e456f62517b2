/**
 * Kicking rules (Agora's name for ban rules made through its API): a rule is stored as a ban and
 * enforced at once on whoever it covers, on every node of the cluster (ChannelActions.enforceRule): `join_channel` disconnects them (leave reason 3),
 * `publish_audio` / `publish_video` stop what they publish. Joins and publish offers made later
 * are checked against the stored rule by the join policy. A rule of 0 seconds acts once and bans
 * nothing.
 */
import type { ChannelActions } from '../cluster/channelActions.ts';
import type { BanPrivilege, BanRule, BanScope, BanService } from './service.ts';

export class KickingRuleService {
  #bans: BanService;
  #actions: Pick<ChannelActions, 'enforceRule'>;

  constructor(bans: BanService, actions: Pick<ChannelActions, 'enforceRule'>) {
    this.#bans = bans;
    this.#actions = actions;
  }

  /** Stores the rule and applies it to everyone it covers now; `seconds` 0 applies it once. */
  async create(appId: string, scope: BanScope, privileges: BanPrivilege[], seconds: number, now = Date.now()): Promise<BanRule> {
    const { id } = await this.#bans.ban(appId, scope, privileges, seconds, now);
    const rule = (await this.#bans.findRule(appId, id))!;
    await this.#enforce(rule);
    return rule;
  }

  list(appId: string, now = Date.now()): Promise<BanRule[]> {
    return this.#bans.listRules(appId, now);
  }

  /**
   * Makes a rule end `seconds` from now; 0 lifts it. A rule that is (again) in force is applied to
   * whoever joined meanwhile. Undefined when the app has no such rule.
   */
  async update(appId: string, id: number, seconds: number, now = Date.now()): Promise<BanRule | undefined> {
    const rule = await this.#bans.setRuleDuration(appId, id, seconds, now);
    if (rule && seconds > 0) await this.#enforce(rule);
    return rule;
  }

  delete(appId: string, id: number): Promise<boolean> {
    return this.#bans.deleteRule(appId, id);
  }

  async #enforce(rule: BanRule): Promise<void> {
    const scope = {
      ...(rule.channel !== null ? { channel: rule.channel } : {}),
      ...(rule.uid !== null ? { uid: rule.uid } : {}),
      ...(rule.ip !== null ? { ip: rule.ip } : {}),
    };
    await this.#actions.enforceRule(rule.appId, scope, rule.privileges);
  }
}

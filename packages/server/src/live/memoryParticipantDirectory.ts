/**
 * The participant directory in this process's memory (embedded default: one node).
 */
import type { Participant } from '@parley/protocol';
import { uidKey, type ChannelCount, type ParticipantDirectory } from './participantDirectory.ts';

export class MemoryParticipantDirectory implements ParticipantDirectory {
  /** appId → channel → uid → participant */
  #projects = new Map<string, Map<string, Map<string, Participant>>>();

  async put(appId: string, channel: string, participant: Participant): Promise<void> {
    let channels = this.#projects.get(appId);
    if (!channels) this.#projects.set(appId, (channels = new Map()));
    let users = channels.get(channel);
    if (!users) channels.set(channel, (users = new Map()));
    users.set(uidKey(participant.uid), participant);
  }

  async remove(appId: string, channel: string, uid: number | string): Promise<void> {
    const channels = this.#projects.get(appId);
    const users = channels?.get(channel);
    users?.delete(uidKey(uid));
    if (users && users.size === 0) channels!.delete(channel);
  }

  list(appId: string, channel: string): Participant[] {
    return [...(this.#projects.get(appId)?.get(channel)?.values() ?? [])];
  }

  async channels(appId: string): Promise<ChannelCount[]> {
    return [...(this.#projects.get(appId)?.entries() ?? [])].map(([channel, users]) => ({ channel, participantCount: users.size }));
  }

  async clearNode(): Promise<void> {
    this.#projects.clear();
  }

  async close(): Promise<void> {
    this.#projects.clear();
  }
}

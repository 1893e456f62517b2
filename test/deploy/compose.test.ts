/**
 * deploy/compose/compose.yaml read as Compose reads it (anchors merged): two nodes that share what
 * a cluster must share and differ where they must, started in an order that works. No container runs.
 */
import { describe, expect, it } from 'vitest';
import { composeFile, deployFile, type ComposeService } from './deployFiles.ts';

const compose = composeFile();
const nodes = Object.entries(compose.services).filter(([, service]) => service.environment?.PARLEY_NODE_ID !== undefined);
const env = (service: ComposeService, name: string) => service.environment?.[name]?.toString();

/** `90s`, `2m`, `1m30s` in seconds. */
function seconds(duration: string): number {
  return [...duration.matchAll(/(\d+)(h|m|s)/g)].reduce((total, [, value, unit]) => total + Number(value) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'], 0);
}

describe('the compose file', () => {
  it('runs two Parley nodes next to PostgreSQL, Redis and coturn', () => {
    expect(nodes.map(([name]) => name)).toEqual(['node-a', 'node-b']);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'coturn']));
  });

  it('gives each node its own id, URL, media port and data volume', () => {
    for (const name of ['PARLEY_NODE_ID', 'PARLEY_NODE_URL', 'PARLEY_RTC_UDP_PORT']) {
      const values = nodes.map(([, service]) => env(service, name));
      expect(values.every(Boolean), name).toBe(true);
      expect(new Set(values).size, name).toBe(nodes.length);
    }
    const dataVolumes = nodes.map(([, service]) => service.volumes?.find((volume) => volume.endsWith(':/var/lib/parley')));
    expect(new Set(dataVolumes).size).toBe(nodes.length);
  });

  it('publishes each node\'s media port unchanged, since the node announces the port it listens on', () => {
    for (const [name, service] of nodes) {
      const port = env(service, 'PARLEY_RTC_UDP_PORT');
      expect(service.ports, name).toContain(`${port}:${port}/udp`);
    }
  });

  it('shares the database, Redis, secret key and TURN settings between the nodes', () => {
    for (const name of ['PARLEY_DATABASE_URL', 'PARLEY_REDIS_URL', 'PARLEY_SECRET_KEY', 'PARLEY_TURN_URLS', 'PARLEY_TURN_SECRET', 'PARLEY_DRAIN_SECONDS']) {
      const values = nodes.map(([, service]) => env(service, name));
      expect(values[0], name).toBeTruthy();
      expect(new Set(values).size, name).toBe(1);
    }
    expect(env(nodes[0]![1], 'PARLEY_DATABASE_URL')).toMatch(/@postgres:5432\//);
    expect(env(nodes[0]![1], 'PARLEY_REDIS_URL')).toBe('redis://redis:6379');
  });

  it('writes coturn\'s configuration from the nodes\' own TURN settings', () => {
    const turnConfig = compose.services['turn-config']!;
    expect(turnConfig.entrypoint?.join(' ')).toContain('parley turn config > /var/lib/parley/turnserver.conf');
    for (const name of ['PARLEY_TURN_URLS', 'PARLEY_TURN_SECRET']) expect(env(turnConfig, name), name).toBe(env(nodes[0]![1], name));
    const coturn = compose.services.coturn!;
    expect(coturn.depends_on?.['turn-config']?.condition).toBe('service_completed_successfully');
    expect(coturn.volumes).toContain('coturn-config:/etc/coturn:ro');
    expect(turnConfig.volumes).toContain('coturn-config:/var/lib/parley');
    expect(coturn.command).toEqual(expect.arrayContaining(['-c', '/etc/coturn/turnserver.conf']));
    // The file is private to Parley's user (umask 077): coturn must run as that user to read it.
    expect(coturn.user).toBe(`${deployFile('docker/Dockerfile').match(/--uid (\d+)/)![1]}:${deployFile('docker/Dockerfile').match(/--gid (\d+)/)![1]}`);
  });

  it('lets a node drain before Compose kills it', () => {
    for (const [name, service] of nodes) expect(seconds(service.stop_grace_period!), name).toBeGreaterThan(Number(env(service, 'PARLEY_DRAIN_SECONDS')));
  });

  it('starts each service after the ones it needs are healthy, node-b after node-a (which makes the first account)', () => {
    for (const [name, service] of nodes) {
      expect(service.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(service.depends_on?.redis?.condition, name).toBe('service_healthy');
    }
    expect(compose.services['node-b']!.depends_on?.['node-a']?.condition).toBe('service_healthy');
    // A service waited on for health needs a health check: its own, or the image's HEALTHCHECK.
    const imageHasHealthcheck = /^HEALTHCHECK /m.test(deployFile('docker/Dockerfile'));
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [needed, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[needed], `${name} needs ${needed}`).toBeDefined();
        if (condition !== 'service_healthy') continue;
        const target = compose.services[needed]!;
        expect(target.healthcheck !== undefined || (target.build !== undefined && imageHasHealthcheck), `${needed} has a health check`).toBe(true);
      }
    }
  });

  it('declares every named volume it mounts', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source);
      }
    }
  });

  it('takes every variable it interpolates from .env.example or a default', () => {
    const example = new Set([...deployFile('compose/.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]));
    const used = [...deployFile('compose/compose.yaml').matchAll(/\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}/g)];
    expect(used.length).toBeGreaterThan(0);
    for (const [reference, name, fallback] of used) expect(example.has(name!) || fallback?.startsWith(':-'), reference).toBe(true);
  });
});

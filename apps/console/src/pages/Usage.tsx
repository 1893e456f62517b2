/**
 * Usage over a chosen range: participant-minutes and peak concurrent users per hour or day, the
 * channels that used them, and a CSV of both for billing or spreadsheets.
 */
import { AreaChart, BarChart } from '@mantine/charts';
import { Button, Card, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import type { Usage } from '@parley/protocol';
import { useOperation } from '../api/queries.ts';
import { downloadText, toCsv } from '../components/csv.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { QueryState } from '../components/QueryState.tsx';

const RANGES = {
  '24h': { label: '24 hours', hours: 24, granularity: 'hour' },
  '7d': { label: '7 days', hours: 24 * 7, granularity: 'day' },
  '30d': { label: '30 days', hours: 24 * 30, granularity: 'day' },
  '90d': { label: '90 days', hours: 24 * 90, granularity: 'day' },
} as const;
type RangeKey = keyof typeof RANGES;

/** The range ends at the next whole hour, so the query key stays the same for an hour and caches. */
function rangeOf(key: RangeKey): { from: string; to: string; granularity: 'hour' | 'day' } {
  const hour = 3_600_000;
  const to = Math.ceil(Date.now() / hour) * hour;
  const { hours, granularity } = RANGES[key];
  return { from: new Date(to - hours * hour).toISOString(), to: new Date(to).toISOString(), granularity };
}

function bucketLabel(iso: string, granularity: 'hour' | 'day'): string {
  const date = new Date(iso);
  return granularity === 'hour'
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

function exportCsv(appId: string, usage: Usage): void {
  const rows: Array<Array<string | number>> = [['period_start', 'period_end', 'participant_minutes', 'peak_concurrent_users']];
  for (const bucket of usage.buckets) rows.push([bucket.start, bucket.end, bucket.participantMinutes, bucket.peakConcurrentUsers]);
  rows.push([], ['channel', 'participant_minutes', 'peak_concurrent_users']);
  for (const channel of usage.channels) rows.push([channel.channel, channel.participantMinutes, channel.peakConcurrentUsers]);
  downloadText(`parley-usage-${appId.slice(0, 8)}-${usage.from.slice(0, 10)}-${usage.to.slice(0, 10)}.csv`, toCsv(rows));
}

function Total({ label, value }: { label: string; value: string | number }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>{label}</Text>
      <Text size="xl" fw={700}>{value}</Text>
    </Card>
  );
}

export function UsagePage() {
  const { appId = '' } = useParams();
  const [range, setRange] = useState<RangeKey>('7d');
  const query = useMemo(() => rangeOf(range), [range]);
  const usage = useOperation('getUsage', { params: { projectId: appId }, query });
  return (
    <>
      <PageTitle title="Usage" appId={appId} description="Participant-minutes are the minutes each person spent in calls, summed; peak concurrent users is the most people in calls at one instant.">
        <SegmentedControl aria-label="Range" value={range} onChange={(value) => setRange(value as RangeKey)} data={Object.entries(RANGES).map(([value, { label }]) => ({ value, label }))} />
        <Button variant="default" disabled={!usage.data} onClick={() => usage.data && exportCsv(appId, usage.data)}>Export CSV</Button>
      </PageTitle>
      <QueryState query={usage} label="usage">
        {(data) => {
          const points = data.buckets.map((bucket) => ({ period: bucketLabel(bucket.start, data.granularity), minutes: bucket.participantMinutes, peak: bucket.peakConcurrentUsers }));
          return (
            <Stack>
              <SimpleGrid cols={{ base: 1, xs: 3 }}>
                <Total label="Participant-minutes" value={data.totals.participantMinutes.toLocaleString()} />
                <Total label="Peak concurrent users" value={data.totals.peakConcurrentUsers} />
                <Total label="Sessions" value={data.totals.sessions} />
              </SimpleGrid>
              <Card withBorder>
                <Title order={3} size="h5" mb="sm">Participant-minutes per {data.granularity}</Title>
                <div role="img" aria-label={`Chart of participant-minutes per ${data.granularity}: ${data.totals.participantMinutes} in all`}>
                  <AreaChart h={240} data={points} dataKey="period" series={[{ name: 'minutes', label: 'Participant-minutes', color: 'indigo.6' }]} curveType="monotone" withDots={false} />
                </div>
              </Card>
              <Card withBorder>
                <Title order={3} size="h5" mb="sm">Peak concurrent users per {data.granularity}</Title>
                <div role="img" aria-label={`Chart of peak concurrent users per ${data.granularity}: at most ${data.totals.peakConcurrentUsers}`}>
                  <BarChart h={200} data={points} dataKey="period" series={[{ name: 'peak', label: 'Peak concurrent users', color: 'teal.6' }]} />
                </div>
              </Card>
              <Card withBorder>
                <Title order={3} size="h5" mb="sm">By channel</Title>
                {data.channels.length === 0
                  ? <Text c="dimmed" size="sm">No calls in this range.</Text>
                  : (
                    <Table.ScrollContainer minWidth={400}>
                      <Table>
                        <Table.Thead><Table.Tr><Table.Th>Channel</Table.Th><Table.Th ta="right">Participant-minutes</Table.Th><Table.Th ta="right">Peak concurrent users</Table.Th></Table.Tr></Table.Thead>
                        <Table.Tbody>
                          {data.channels.map((channel) => (
                            <Table.Tr key={channel.channel}>
                              <Table.Td><Text ff="monospace" size="sm">{channel.channel}</Text></Table.Td>
                              <Table.Td ta="right">{channel.participantMinutes.toLocaleString()}</Table.Td>
                              <Table.Td ta="right">{channel.peakConcurrentUsers}</Table.Td>
                            </Table.Tr>
                          ))}
                        </Table.Tbody>
                      </Table>
                    </Table.ScrollContainer>
                  )}
              </Card>
            </Stack>
          );
        }}
      </QueryState>
    </>
  );
}

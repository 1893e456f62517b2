/**
 * The frame around every signed-in page: the header (who is signed in, light/dark, sign out), and
 * the navigation: the project picker and the chosen project's pages, then the account's pages.
 * Below 768 px the navigation folds behind a menu button.
 */
import { ActionIcon, AppShell, Badge, Burger, Button, Center, Group, Loader, NavLink, ScrollArea, Select, Text, Title, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { NavLink as RouterLink, Outlet, useLocation, useMatch, useNavigate } from 'react-router';
import { setCsrfToken } from '../api/client.ts';
import { useChange, useOperation } from '../api/queries.ts';
import { useCan, useSession } from '../api/session.tsx';
import { MoonIcon, SunIcon } from '../components/icons.tsx';

const PROJECT_PAGES = [
  { path: 'credentials', label: 'Credentials' },
  { path: 'live', label: 'Live channels' },
  { path: 'sessions', label: 'Sessions' },
  { path: 'usage', label: 'Usage' },
  { path: 'recordings', label: 'Recordings' },
  { path: 'webhooks', label: 'Webhooks' },
  { path: 'call', label: 'Try a call' },
];

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} mode`}>
      {scheme === 'dark' ? <SunIcon /> : <MoonIcon />}
    </ActionIcon>
  );
}

function SignOutButton() {
  const client = useQueryClient();
  const signOut = useChange('signOut');
  return (
    <Button
      variant="default"
      size="xs"
      loading={signOut.isPending}
      onClick={() => signOut.mutate({}, {
        onSettled: () => {
          setCsrfToken(undefined);
          client.clear();
          void client.invalidateQueries({ queryKey: ['getSession'] });
        },
      })}
    >
      Sign out
    </Button>
  );
}

function ProjectPicker({ appId, onPick }: { appId: string | undefined; onPick: () => void }) {
  const projects = useOperation('listConsoleProjects', {});
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const page = PROJECT_PAGES.find(({ path }) => pathname.endsWith(`/${path}`))?.path ?? 'credentials';
  return (
    <Select
      label="Project"
      placeholder={projects.isPending ? 'Loading…' : 'Choose a project'}
      data={(projects.data?.projects ?? []).map((project) => ({ value: project.appId, label: project.name }))}
      value={appId ?? null}
      onChange={(value) => {
        if (value) {
          navigate(`/projects/${value}/${page}`);
          onPick();
        }
      }}
      allowDeselect={false}
      searchable
      nothingFoundMessage="No project by that name"
      mb="sm"
    />
  );
}

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const session = useSession();
  const isOwner = useCan('owner');
  const match = useMatch('/projects/:appId/*');
  const appId = match?.params.appId;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Title order={1} size="h4">Parley console</Title>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" visibleFrom="sm" c="dimmed">{session.user.email}</Text>
            <Badge variant="light" visibleFrom="xs">{session.user.role}</Badge>
            <ColorSchemeToggle />
            <SignOutButton />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Console">
        <AppShell.Section grow component={ScrollArea}>
          <NavLink component={RouterLink} to="/projects" end label="All projects" onClick={close} />
          <ProjectPicker appId={appId} onPick={close} />
          {appId && PROJECT_PAGES.map(({ path, label }) => (
            <NavLink key={path} component={RouterLink} to={`/projects/${appId}/${path}`} label={label} onClick={close} />
          ))}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="lg" mb={4}>Account</Text>
          <NavLink component={RouterLink} to="/account/credentials" label="RESTful API credentials" onClick={close} />
          {isOwner && <NavLink component={RouterLink} to="/account/team" label="Team" onClick={close} />}
          <NavLink component={RouterLink} to="/account/password" label="Password" onClick={close} />
          {isOwner && session.account.operator && (
            <>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="lg" mb={4}>Server</Text>
              <NavLink component={RouterLink} to="/server/cluster" label="Cluster" onClick={close} />
            </>
          )}
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed">Account {session.account.customerId.slice(0, 8)}… · {session.account.plan} plan</Text>
          <Group gap="xs" mt={4}>
            <Text size="xs" component="a" href="/docs/" c="dimmed">Docs</Text>
            <Text size="xs" component="a" href="/v1/openapi.json" c="dimmed">OpenAPI</Text>
          </Group>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        {/* Pages load as their own chunks; the frame stays while one arrives. */}
        <Suspense fallback={<Center py="xl" role="status" aria-label="Loading the page"><Loader size="sm" /></Center>}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

/**
 * The console's routes behind the sign-in gate: without a session every path shows the sign-in
 * form, and after signing in the person lands where they were going.
 */
import { Center, Loader } from '@mantine/core';
import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useOperation } from './api/queries.ts';
import { SessionProvider } from './api/session.tsx';
import { Shell } from './layout/Shell.tsx';
import { SignInPage } from './pages/SignIn.tsx';

// Each page is its own chunk, so signing in does not wait for the charts and tables of every page.
const ClusterPage = lazy(() => import('./pages/Cluster.tsx').then((m) => ({ default: m.ClusterPage })));
const CustomerCredentialsPage = lazy(() => import('./pages/CustomerCredentials.tsx').then((m) => ({ default: m.CustomerCredentialsPage })));
const LiveChannelsPage = lazy(() => import('./pages/LiveChannels.tsx').then((m) => ({ default: m.LiveChannelsPage })));
const NotFoundPage = lazy(() => import('./pages/NotFound.tsx').then((m) => ({ default: m.NotFoundPage })));
const PasswordPage = lazy(() => import('./pages/Password.tsx').then((m) => ({ default: m.PasswordPage })));
const ProjectCredentialsPage = lazy(() => import('./pages/ProjectCredentials.tsx').then((m) => ({ default: m.ProjectCredentialsPage })));
const ProjectsPage = lazy(() => import('./pages/Projects.tsx').then((m) => ({ default: m.ProjectsPage })));
const RecordingsPage = lazy(() => import('./pages/Recordings.tsx').then((m) => ({ default: m.RecordingsPage })));
const SessionsPage = lazy(() => import('./pages/Sessions.tsx').then((m) => ({ default: m.SessionsPage })));
const TeamPage = lazy(() => import('./pages/Team.tsx').then((m) => ({ default: m.TeamPage })));
const TryCallPage = lazy(() => import('./pages/TryCall.tsx').then((m) => ({ default: m.TryCallPage })));
const UsagePage = lazy(() => import('./pages/Usage.tsx').then((m) => ({ default: m.UsagePage })));
const WebhooksPage = lazy(() => import('./pages/Webhooks.tsx').then((m) => ({ default: m.WebhooksPage })));

function Loading() {
  return <Center h="100vh" role="status" aria-label="Loading the console"><Loader /></Center>;
}

export function App() {
  const session = useOperation('getSession', {}, { retry: false, staleTime: 60_000 });
  if (session.isPending) return <Loading />;
  if (!session.data) return <SignInPage />;
  return (
    <SessionProvider session={session.data}>
      <Routes>
        <Route element={<Shell />}>
          <Route index element={<Navigate to="/projects" replace />} />
          <Route path="projects" element={<ProjectsPage />} />
          <Route path="projects/:appId" element={<Navigate to="credentials" replace />} />
          <Route path="projects/:appId/credentials" element={<ProjectCredentialsPage />} />
          <Route path="projects/:appId/live" element={<LiveChannelsPage />} />
          <Route path="projects/:appId/sessions" element={<SessionsPage />} />
          <Route path="projects/:appId/usage" element={<UsagePage />} />
          <Route path="projects/:appId/recordings" element={<RecordingsPage />} />
          <Route path="projects/:appId/webhooks" element={<WebhooksPage />} />
          <Route path="projects/:appId/call" element={<TryCallPage />} />
          <Route path="account/credentials" element={<CustomerCredentialsPage />} />
          <Route path="account/team" element={<TeamPage />} />
          <Route path="account/password" element={<PasswordPage />} />
          <Route path="server/cluster" element={<ClusterPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}

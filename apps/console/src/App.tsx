/**
 * The console's routes behind the sign-in gate: without a session every path shows the sign-in
 * form, and after signing in the person lands where they were going.
 */
import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { useOperation } from './api/queries.ts';
import { SessionProvider } from './api/session.tsx';
import { Shell } from './layout/Shell.tsx';
import { CustomerCredentialsPage } from './pages/CustomerCredentials.tsx';
import { LiveChannelsPage } from './pages/LiveChannels.tsx';
import { NotFoundPage } from './pages/NotFound.tsx';
import { PasswordPage } from './pages/Password.tsx';
import { ProjectCredentialsPage } from './pages/ProjectCredentials.tsx';
import { ProjectsPage } from './pages/Projects.tsx';
import { RecordingsPage } from './pages/Recordings.tsx';
import { SessionsPage } from './pages/Sessions.tsx';
import { SignInPage } from './pages/SignIn.tsx';
import { TeamPage } from './pages/Team.tsx';
import { TryCallPage } from './pages/TryCall.tsx';
import { UsagePage } from './pages/Usage.tsx';
import { WebhooksPage } from './pages/Webhooks.tsx';

export function App() {
  const session = useOperation('getSession', {}, { retry: false, staleTime: 60_000 });
  if (session.isPending) {
    return <Center h="100vh" role="status" aria-label="Loading the console"><Loader /></Center>;
  }
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
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}

/**
 * Signing in with email and password. The server throttles guesses (per email and per address)
 * and answers the same for an unknown email as for a wrong password.
 */
import { Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useChange } from '../api/queries.ts';
import { ErrorText, fieldError } from '../components/ErrorText.tsx';

export function SignInPage() {
  const client = useQueryClient();
  const signIn = useChange('signIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ body: { email, password } }, {
      onSuccess: (session) => client.setQueryData(['getSession', {}], session),
    });
  };
  // A throttled attempt names the email as its field, but it is about the form, not a typo.
  const throttled = signIn.error?.status === 429;
  const fieldErrors = throttled ? null : signIn.error;
  const generalError = signIn.error && (throttled || !['email', 'password'].includes(signIn.error.field ?? '')) ? signIn.error : null;

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={400}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h3">Sign in to Parley</Title>
              <Text size="sm" c="dimmed">The console of this server: projects, credentials, calls and usage.</Text>
            </div>
            <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(event) => setEmail(event.currentTarget.value)} error={fieldError(fieldErrors, 'email')} data-autofocus />
            <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.currentTarget.value)} error={fieldError(fieldErrors, 'password')} />
            <ErrorText error={generalError} />
            <Button type="submit" loading={signIn.isPending} fullWidth>Sign in</Button>
            <Text size="xs" c="dimmed">
              The first start of <code>parley serve</code> printed the sign-in of <code>admin@localhost</code>. Lost it? Run <code>parley user reset-password --email admin@localhost</code> on the server. <Anchor href="/docs/" size="xs">Docs</Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

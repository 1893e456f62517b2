import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={2}>Nothing here</Title>
      <Text>This console page does not exist. <Anchor component={Link} to="/projects">Go to your projects</Anchor>.</Text>
    </Stack>
  );
}

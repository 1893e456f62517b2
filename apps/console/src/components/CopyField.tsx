/** A value shown in monospace with a copy button, for IDs, certificates and secrets. */
import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { CheckIcon, CopyIcon } from './icons.tsx';

export function CopyField({ label, value, hidden = false }: { label: string; value: string; hidden?: boolean }) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Code style={{ wordBreak: 'break-all' }} aria-label={label}>{hidden ? '•'.repeat(32) : value}</Code>
      {!hidden && (
        <CopyButton value={value} timeout={1500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
              <ActionIcon variant="subtle" onClick={copy} aria-label={`Copy ${label}`} color={copied ? 'teal' : 'gray'}>
                {copied ? <CheckIcon /> : <CopyIcon />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      )}
    </Group>
  );
}

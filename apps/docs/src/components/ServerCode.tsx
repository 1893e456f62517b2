/**
 * Guide code that talks to "your server": written with the documented default address
 * (http://127.0.0.1:8080), shown with the address these docs are served from (or the configured API
 * server), so a copied command works against the server at hand.
 */
import React from 'react';
import CodeBlock from '@theme/CodeBlock';
import { EXAMPLE_BASE_URL } from '../api/methodProps';
import { useDefaultServerUrl } from './ApiTester/useDefaultServerUrl';

export function useServerBase(): string {
  return useDefaultServerUrl().replace(/\/+$/, '');
}

export interface ServerCodeProps {
  language?: string;
  title?: string;
  code: string;
}

export default function ServerCode({ language, title, code }: ServerCodeProps): React.JSX.Element {
  const base = useServerBase();
  return (
    <CodeBlock {...(language ? { language } : {})} {...(title ? { title } : {})}>
      {code.replaceAll(EXAMPLE_BASE_URL, base)}
    </CodeBlock>
  );
}

/** The REST base URL of the server, inline: `http://127.0.0.1:8080/v1/`. */
export function BaseUrl(): React.JSX.Element {
  return <code>{`${useServerBase()}/v1/`}</code>;
}

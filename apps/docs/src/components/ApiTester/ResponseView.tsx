/**
 * What the server answered: status and time, the response headers the browser exposes (rate-limit
 * ones highlighted), and the body, pretty-printed when it is JSON.
 */
import React from 'react';
import clsx from 'clsx';
import CodeBlock from '@theme/CodeBlock';
import type { TesterResponse } from '../../api/send';
import styles from './styles.module.css';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

function tone(status: number): string | undefined {
  if (status < 300) return styles.statusOk;
  if (status < 500) return styles.statusClientError;
  return styles.statusServerError;
}

export default function ResponseView({ response }: { response: TesterResponse }): React.JSX.Element {
  const statusText = response.statusText || STATUS_TEXT[response.status] || '';
  return (
    <div className={styles.response} data-testid="tester-response" data-status={response.status}>
      <p className={styles.responseStatus}>
        <span className={clsx(styles.statusBadge, tone(response.status))}>
          {response.status} {statusText}
        </span>{' '}
        <span>in {response.durationMs} ms</span>
      </p>
      <details className={styles.headers} open>
        <summary>Response headers ({response.headers.length})</summary>
        <table>
          <caption className={styles.caption}>Headers this page may read; rate-limit headers are highlighted.</caption>
          <thead>
            <tr>
              <th scope="col">Header</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {response.headers.map(([name, value]) => {
              const rateLimit = /^x-ratelimit-/i.test(name) || /^retry-after$/i.test(name);
              return (
                <tr key={name} className={rateLimit ? styles.rateLimit : undefined} data-rate-limit={rateLimit || undefined}>
                  <td>
                    <code>{name}</code>
                    {rateLimit && <span className={styles.rateLimitTag}> rate limit</span>}
                  </td>
                  <td>
                    <code>{value}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
      <CodeBlock language={response.isJson ? 'json' : 'text'} title="Response body">
        {response.body || '(empty body)'}
      </CodeBlock>
    </div>
  );
}

/**
 * Code for the tester's current inputs in cURL, JavaScript and Python (and more on demand), in tabs,
 * each with the theme's copy button. Secrets are masked unless the reader chooses to show them; what
 * is shown is what gets copied, so a copied snippet never carries a secret the reader did not see.
 */
import React, { useId, useMemo, useState } from 'react';
import CodeBlock from '@theme/CodeBlock';
import TabItem from '@theme/TabItem';
import Tabs from '@theme/Tabs';
import type { RequestAuth, SnippetRequest } from '../../api/request';
import { CORE_LANGUAGES } from '../../api/snippets';
import MoreLanguages from './MoreLanguages';
import styles from './styles.module.css';

const MASK = '••••••••';

/** The auth as the code shows it: placeholders while empty (as in the seed), secrets masked unless revealed. */
function displayed(auth: RequestAuth | undefined, reveal: boolean): RequestAuth | undefined {
  const secret = (value: string, placeholder: string) => (value === '' ? placeholder : reveal ? value : MASK);
  if (!auth) return auth;
  if (auth.scheme === 'bearer') return { ...auth, token: secret(auth.token, 'YOUR_ACCESS_TOKEN') };
  return { ...auth, user: auth.user || 'YOUR_CUSTOMER_ID', password: secret(auth.password, 'YOUR_CUSTOMER_SECRET') };
}

export default function CodeSamples({ request }: { request: SnippetRequest }): React.JSX.Element {
  const revealId = useId();
  const [reveal, setReveal] = useState(false);
  const shown = useMemo(() => {
    const auth = displayed(request.auth, reveal);
    return { ...request, ...(auth ? { auth } : {}) };
  }, [request, reveal]);

  return (
    <div className={styles.codeSamples} data-testid="tester-code">
      <div className={styles.codeHeader}>
        <p className={styles.legend}>Code</p>
        <label htmlFor={revealId} className={styles.checkbox}>
          <input id={revealId} type="checkbox" checked={reveal} onChange={(event) => setReveal(event.target.checked)} /> Show secrets in code
        </label>
      </div>
      {/* lazy: only the open tab renders, so httpsnippet loads when "More languages" is opened. */}
      <Tabs groupId="parley-code-language" lazy>
        {CORE_LANGUAGES.map((language) => (
          <TabItem key={language.id} value={language.id} label={language.label}>
            <CodeBlock language={language.prism}>{language.write(shown)}</CodeBlock>
          </TabItem>
        ))}
        <TabItem value="more" label="More languages">
          <MoreLanguages request={shown} />
        </TabItem>
      </Tabs>
    </div>
  );
}

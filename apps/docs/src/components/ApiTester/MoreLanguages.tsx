/**
 * Code in further languages: a language picker and the snippet @readme/httpsnippet writes for it,
 * loaded the first time this panel renders.
 */
import React, { useEffect, useId, useState } from 'react';
import CodeBlock from '@theme/CodeBlock';
import type { SnippetRequest } from '../../api/request';
import { MORE_LANGUAGES, moreLanguageSnippet } from '../../api/snippets/moreLanguages';
import styles from './styles.module.css';

export default function MoreLanguages({ request }: { request: SnippetRequest }): React.JSX.Element {
  const selectId = useId();
  const [languageId, setLanguageId] = useState(MORE_LANGUAGES[0]!.id);
  const [state, setState] = useState<{ code?: string; error?: string }>({});
  const language = MORE_LANGUAGES.find((l) => l.id === languageId) ?? MORE_LANGUAGES[0]!;

  useEffect(() => {
    let current = true;
    moreLanguageSnippet(request, language).then(
      (code) => current && setState({ code }),
      (error: Error) => current && setState({ error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [request, language]);

  return (
    <div>
      <label htmlFor={selectId} className={styles.label}>
        Language
      </label>{' '}
      <select id={selectId} className={styles.inlineSelect} value={languageId} onChange={(event) => setLanguageId(event.target.value)}>
        {MORE_LANGUAGES.map((l) => (
          <option key={l.id} value={l.id}>
            {l.label}
          </option>
        ))}
      </select>
      {state.error ? (
        <p className={styles.error}>Could not write {language.label} code: {state.error}</p>
      ) : (
        <CodeBlock language={language.prism} title={language.label}>
          {state.code ?? 'Loading…'}
        </CodeBlock>
      )}
    </div>
  );
}

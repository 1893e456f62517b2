/**
 * ApiMethod: one API object or operation in two columns, with exactly the seed's props. Left: the
 * fields with types, required marks and collapsible children. Right: `rightIntro` (a callout), the
 * example and the response, each a code block with a copy button. One column on narrow screens.
 */
import React, { useId } from 'react';
import InlineMarkdown from '../InlineMarkdown';
import CodeSample from './CodeSample';
import FieldList from './FieldList';
import MethodBadge from './MethodBadge';
import type { ApiMethodProps } from './types';
import styles from './styles.module.css';

export type { ApiField, ApiMethodProps } from './types';

export default function ApiMethod(props: ApiMethodProps): React.JSX.Element {
  const titleId = useId();
  const { title, summary, badge, fieldsTitle, fields, rightIntro } = props;
  return (
    <section className={styles.method} aria-labelledby={titleId}>
      <div className={styles.header}>
        {badge && <MethodBadge label={badge} />}
        <code id={titleId} className={styles.title}>
          {title}
        </code>
      </div>
      {summary && (
        <p className={styles.summary}>
          <InlineMarkdown text={summary} />
        </p>
      )}
      <div className={styles.columns}>
        <div className={styles.left}>
          {fields && fields.length > 0 && (
            <>
              <p className={styles.columnTitle}>{fieldsTitle ?? 'Fields'}</p>
              <FieldList fields={fields} />
            </>
          )}
        </div>
        <div className={styles.right}>
          {rightIntro}
          {props.exampleCode !== undefined && (
            <CodeSample title={props.exampleTitle ?? 'Example'} language={props.exampleLanguage} code={props.exampleCode} />
          )}
          {props.responseCode !== undefined && (
            <CodeSample title={props.responseTitle ?? 'Response'} language={props.responseLanguage} code={props.responseCode} />
          )}
        </div>
      </div>
    </section>
  );
}

/**
 * A titled code block of ApiMethod's right column. The theme's CodeBlock brings highlighting and
 * the copy button.
 */
import React from 'react';
import CodeBlock from '@theme/CodeBlock';

export interface CodeSampleProps {
  title: string;
  language?: string;
  code: string;
}

export default function CodeSample({ title, language, code }: CodeSampleProps): React.JSX.Element {
  return (
    <CodeBlock title={title} {...(language ? { language } : {})}>
      {code}
    </CodeBlock>
  );
}

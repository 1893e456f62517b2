/**
 * A titled code block of ApiMethod's right column. The theme's CodeBlock brings highlighting and
 * the copy button; ServerCode shows the documented default address as the reader's server.
 */
import React from 'react';
import ServerCode from '../ServerCode';

export interface CodeSampleProps {
  title: string;
  language?: string;
  code: string;
}

export default function CodeSample({ title, language, code }: CodeSampleProps): React.JSX.Element {
  return <ServerCode title={title} {...(language ? { language } : {})} code={code} />;
}

/**
 * The props of `ApiMethod`: exactly those the seed page passes, no more.
 */
import type { ReactNode } from 'react';

export interface ApiField {
  name: string;
  type: string;
  required?: boolean;
  description?: string;
  /** Fields of an object (or of an array's items), to any depth. */
  children?: ApiField[];
}

export interface ApiMethodProps {
  title: string;
  summary?: string;
  badge?: string;
  fieldsTitle?: string;
  fields?: ApiField[];
  exampleTitle?: string;
  exampleLanguage?: string;
  exampleCode?: string;
  responseTitle?: string;
  responseLanguage?: string;
  responseCode?: string;
  /** Shown at the top of the right column, typically an `ApiCallout`. */
  rightIntro?: ReactNode;
}

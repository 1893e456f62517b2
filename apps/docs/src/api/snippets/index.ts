/**
 * The languages the portal writes code in without loading anything: cURL, JavaScript (fetch) and
 * Python (requests). More languages come from @readme/httpsnippet, loaded on demand (moreLanguages.ts).
 */
import type { SnippetRequest } from '../request.ts';
import { curlSnippet } from './curl.ts';
import { javascriptSnippet } from './javascript.ts';
import { pythonSnippet } from './python.ts';

export interface SnippetLanguage {
  id: string;
  label: string;
  /** Prism language of the code block. */
  prism: string;
  write(request: SnippetRequest): string;
}

export const CORE_LANGUAGES: SnippetLanguage[] = [
  { id: 'curl', label: 'cURL', prism: 'bash', write: curlSnippet },
  { id: 'javascript', label: 'JavaScript', prism: 'javascript', write: javascriptSnippet },
  { id: 'python', label: 'Python', prism: 'python', write: pythonSnippet },
];

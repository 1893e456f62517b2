/**
 * Code highlighting colours after GitHub's Primer palettes, whose token colours keep a 4.5:1
 * contrast on their backgrounds (prism-react-renderer's github and dracula themes do not: comments,
 * shell variables and strings fall below it, which axe-core reports as serious).
 */
import type { PrismTheme } from 'prism-react-renderer';

export const lightCodeTheme: PrismTheme = {
  plain: { color: '#1f2328', backgroundColor: '#f6f8fa' },
  styles: [
    { types: ['comment', 'prolog', 'doctype', 'cdata'], style: { color: '#57606a', fontStyle: 'italic' } },
    { types: ['punctuation', 'operator', 'entity', 'url'], style: { color: '#1f2328' } },
    { types: ['property', 'tag', 'boolean', 'number', 'constant', 'symbol', 'deleted'], style: { color: '#0550ae' } },
    { types: ['selector', 'attr-name', 'string', 'char', 'builtin', 'inserted'], style: { color: '#0a3069' } },
    { types: ['atrule', 'attr-value', 'keyword'], style: { color: '#cf222e' } },
    { types: ['function', 'class-name'], style: { color: '#8250df' } },
    { types: ['regex', 'important', 'variable', 'parameter'], style: { color: '#953800' } },
  ],
};

export const darkCodeTheme: PrismTheme = {
  plain: { color: '#e6edf3', backgroundColor: '#161b22' },
  styles: [
    { types: ['comment', 'prolog', 'doctype', 'cdata'], style: { color: '#8b949e', fontStyle: 'italic' } },
    { types: ['punctuation', 'operator', 'entity', 'url'], style: { color: '#e6edf3' } },
    { types: ['property', 'tag', 'boolean', 'number', 'constant', 'symbol', 'deleted'], style: { color: '#79c0ff' } },
    { types: ['selector', 'attr-name', 'string', 'char', 'builtin', 'inserted'], style: { color: '#a5d6ff' } },
    { types: ['atrule', 'attr-value', 'keyword'], style: { color: '#ff7b72' } },
    { types: ['function', 'class-name'], style: { color: '#d2a8ff' } },
    { types: ['regex', 'important', 'variable', 'parameter'], style: { color: '#ffa657' } },
  ],
};

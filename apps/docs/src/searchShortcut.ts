/**
 * "/" focuses the search box, as on GitHub and MDN; the search theme already opens it with
 * Ctrl/⌘+K. Ignored while the reader types in a field, so "/" stays a character in the tester's
 * inputs and code editors.
 */
import ExecutionEnvironment from '@docusaurus/ExecutionEnvironment';

function typingInAField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

if (ExecutionEnvironment.canUseDOM) {
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || typingInAField(event.target)) return;
    const box = document.querySelector<HTMLInputElement>('.navbar__search-input');
    if (!box) return;
    event.preventDefault();
    box.focus();
  });
}

import { Anchor, createTheme, PasswordInput, TableScrollContainer, type CSSVariablesResolver } from '@mantine/core';

/** The landing page's and docs' accent, so the three look like one product. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  components: {
    // The eye button's default name ("Toggle password visibility") would make "Password" name two
    // controls; screen readers and tests look the field up by that word.
    PasswordInput: PasswordInput.extend({ defaultProps: { visibilityToggleButtonProps: { 'aria-label': 'Reveal the typed characters' } } }),
    // Links inside sentences must not rely on colour alone (WCAG 1.4.1).
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // A table wider than a phone scrolls sideways; keyboard users scroll it once it can take focus.
    TableScrollContainer: TableScrollContainer.extend({ defaultProps: { type: 'native', tabIndex: 0 } }),
  },
});

/**
 * Mantine's "dimmed" text (gray 6 on white, dark 2 on dark 7) and its light variant's text (shade
 * 6 on a tint of itself, badges and light buttons) are under WCAG's 4.5:1 for small text in the
 * light scheme; stronger shades pass in both schemes.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7]!,
    ...Object.fromEntries(Object.keys(t.colors).flatMap((name) => [
      [`--mantine-color-${name}-light`, t.colors[name]![0]!],
      [`--mantine-color-${name}-light-hover`, t.colors[name]![1]!],
      [`--mantine-color-${name}-light-color`, t.colors[name]![9]!],
    ])),
  },
  dark: { '--mantine-color-dimmed': t.colors.dark[1]! },
});

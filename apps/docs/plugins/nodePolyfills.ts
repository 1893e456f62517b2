/**
 * Browser stand-ins for the Node built-ins the bundle needs: @readme/httpsnippet imports `url`,
 * which rspack (like webpack 5) no longer polyfills on its own.
 */
import { createRequire } from 'node:module';
import type { Plugin } from '@docusaurus/types';

const require = createRequire(import.meta.url);

export default function nodePolyfills(): Plugin {
  return {
    name: 'parley-node-polyfills',
    configureWebpack() {
      return { resolve: { fallback: { url: require.resolve('url/') } } };
    },
  };
}

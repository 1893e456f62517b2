/**
 * Build step of the portal: the signaling protocol reference, from packages/protocol's schemas.
 * Writes
 *   - docs/signaling/client-messages.mdx   every client → server message
 *   - docs/signaling/server-messages.mdx   every server → client message
 *   - generated/signaling.json              the catalogue and the facts the overview page states
 * All git-ignored; docs/signaling/overview.mdx is the hand-written page around them. No server is
 * started: the schemas and constants are plain imports. `npm run signaling -w apps/docs`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signalingCatalogue } from './lib/signaling/catalogue.ts';
import { signalingFacts } from './lib/signaling/facts.ts';
import { CLIENT_PAGE, clientMessagesPage, SERVER_PAGE, serverMessagesPage } from './lib/signaling/messagePages.ts';

const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const signalingDir = path.join(siteDir, 'docs', 'signaling');
const generatedDir = path.join(siteDir, 'generated');

const messages = signalingCatalogue();
fs.mkdirSync(generatedDir, { recursive: true });
fs.writeFileSync(path.join(generatedDir, 'signaling.json'), `${JSON.stringify({ messages, facts: signalingFacts() }, null, 2)}\n`);
fs.writeFileSync(path.join(signalingDir, `${CLIENT_PAGE}.mdx`), clientMessagesPage(messages));
fs.writeFileSync(path.join(signalingDir, `${SERVER_PAGE}.mdx`), serverMessagesPage(messages));

console.log(`signaling: ${messages.length} messages`);

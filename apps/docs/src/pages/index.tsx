/**
 * The portal's front page at /docs/: every guide, grouped by what the reader is doing, and the
 * pages of the server itself (console, demo call, OpenAPI document).
 */
import React from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import { serverHref, useApiBaseUrl } from '../components/serverHref';
import styles from './index.module.css';

interface Entry {
  /** A docs route, or a path on the Parley server when `onServer` is set. */
  to: string;
  title: string;
  text: string;
  onServer?: boolean;
}

const SECTIONS: { title: string; entries: Entry[] }[] = [
  {
    title: 'Start here',
    entries: [
      { to: '/quick-start', title: 'Quick start', text: 'Run a server, save your credentials, make a first request.' },
      { to: '/rest-apis-for-video-calling', title: 'REST APIs and authentication', text: 'Credentials, tokens, and a live tester for creating a channel.' },
      { to: '/tokens', title: 'Tokens', text: 'Access tokens minted on your backend, compatible with Agora\'s AccessToken2.' },
    ],
  },
  {
    title: 'Build calls',
    entries: [
      { to: '/sdk-documentation/video-calling-sdk-guide', title: 'Web SDK guide', text: 'Join, publish and subscribe from the browser with @parley/rtc-sdk, Agora\'s API shape.' },
      { to: '/sdk-documentation/quickstart-javascript', title: 'JavaScript quickstart', text: 'A small app that joins a call, in plain JavaScript with Vite, built and run by the test suite.' },
      { to: '/sdk-documentation/quickstart-react', title: 'React quickstart', text: 'The same app in React: a hook that owns the call, a component per remote user.' },
      { to: '/sdk-documentation/quickstart-vue', title: 'Vue quickstart', text: 'The same app in Vue 3 with the Composition API.' },
      { to: '/sdk-documentation/api', title: 'Web SDK API reference', text: 'Every class, interface and event of the SDK, generated from its TypeScript.' },
      { to: '/sdk-documentation/migrating-from-agora', title: 'Migrating from Agora', text: 'What differs from Agora\'s Web SDK, generated from the SDK itself.' },
      { to: '/signaling/overview', title: 'Signaling protocol', text: 'The /v1/rtc WebSocket and its messages, enough to write a call client in any language.' },
    ],
  },
  {
    title: 'Server features',
    entries: [
      { to: '/reference', title: 'API reference', text: 'Every operation, generated from the server\'s OpenAPI document, each with a tester.' },
      { to: '/webhooks', title: 'Webhooks', text: 'Signed notices of joins, leaves and recordings, with receivers in Node.js and Python.' },
      { to: '/cloud-recording', title: 'Cloud recording', text: 'Record calls to HLS and MP4, on the server or in an S3-compatible bucket.' },
      { to: '/console', title: 'Console guide', text: 'What each page of the console does, its roles, and how a script does the same.' },
      { to: '/agora-compatibility', title: 'Agora-compatible routes', text: 'Agora\'s Channel Management API on your server, for code written for Agora.' },
      { to: '/errors', title: 'Errors', text: 'The error envelope and every message the API answers with.' },
      { to: '/rate-limits', title: 'Rate limits', text: 'Requests a minute by plan, the X-RateLimit headers, and what to do with a 429.' },
    ],
  },
  {
    title: 'Run your server',
    entries: [
      { to: '/self-hosting/deployment', title: 'Deployment', text: 'One machine or several nodes: ports, addresses, TLS, TURN, backups.' },
      { to: '/self-hosting/cluster', title: 'Running several nodes', text: 'A cluster on PostgreSQL and Redis, draining, and the Docker image, Compose file and systemd units.' },
      { to: '/self-hosting/configuration', title: 'Configuration', text: 'Every PARLEY_* variable, its default and what it does.' },
      { to: '/self-hosting/monitoring', title: 'Monitoring', text: 'Health and readiness probes, Prometheus metrics, logs.' },
      { to: '/self-hosting/upgrades', title: 'Upgrades', text: 'Migrations at start, upgrading nodes one at a time, the SDK\'s versioned bundles.' },
    ],
  },
  {
    title: 'On your server',
    entries: [
      { to: '/console/', title: 'Console', text: 'Projects, App IDs and Certificates, Customer IDs and Secrets, live channels and usage.', onServer: true },
      { to: '/call', title: 'Demo call', text: 'A video call in two browser tabs, on the server\'s demo project (development mode).', onServer: true },
      { to: '/v1/openapi.json', title: 'OpenAPI document', text: 'The API as OpenAPI 3.1, for code generators and API clients.', onServer: true },
    ],
  },
];

const sectionId = (title: string) => `section-${title.toLowerCase().replaceAll(' ', '-')}`;

export default function Home(): React.JSX.Element {
  const apiBaseUrl = useApiBaseUrl();
  return (
    <Layout title="Parley docs" description="Guides and API reference for Parley, the self-hosted video-calling platform.">
      <main className={styles.main}>
        <h1>Parley developer docs</h1>
        <p className={styles.lead}>
          Video calls on your own server: a REST API that answers Agora-shaped requests, a browser SDK with Agora&apos;s API, and the server that carries the calls.
        </p>
        {SECTIONS.map((section) => (
          <section key={section.title} aria-labelledby={sectionId(section.title)}>
            <h2 id={sectionId(section.title)} className={styles.sectionTitle}>{section.title}</h2>
            <ul className={styles.entries}>
              {section.entries.map((entry) => (
                <li key={entry.to} className={styles.entry}>
                  {entry.onServer ? (
                    <Link href={serverHref(apiBaseUrl, entry.to)} autoAddBaseUrl={false} className={styles.entryTitle}>{entry.title}</Link>
                  ) : (
                    <Link to={entry.to} className={styles.entryTitle}>{entry.title}</Link>
                  )}
                  <p>{entry.text}</p>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </main>
    </Layout>
  );
}

/**
 * The portal's front page at /docs/: what Parley's docs hold and where to start.
 */
import React from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import styles from './index.module.css';

const ENTRIES = [
  { to: '/quick-start', title: 'Quick start', text: 'Run a server, save your credentials, make a first request.' },
  { to: '/rest-apis-for-video-calling', title: 'Authentication for REST APIs', text: 'Credentials, tokens, and a live tester for creating a channel.' },
  { to: '/reference', title: 'API reference', text: 'Every operation, generated from the server\'s OpenAPI document, each with a tester.' },
  { to: '/errors', title: 'Errors', text: 'The error envelope and every message the API answers with.' },
  { to: '/sdk-documentation/video-calling-sdk-guide', title: 'Web SDK guide', text: 'Join, publish and subscribe from the browser with @parley/rtc-sdk, Agora\'s API shape.' },
  { to: '/sdk-documentation/quickstart-javascript', title: 'SDK quickstarts', text: 'A small app that joins a call, in plain JavaScript, React or Vue, built and run by the test suite.' },
  { to: '/sdk-documentation/migrating-from-agora', title: 'Migrating from Agora', text: 'What differs from Agora\'s Web SDK, generated from the SDK itself.' },
  { to: '/signaling/overview', title: 'Signaling protocol', text: 'The /v1/rtc WebSocket and its messages, enough to write a call client in any language.' },
  { to: '/webhooks', title: 'Webhooks', text: 'Signed notices of joins, leaves and recordings, with receivers in Node.js and Python.' },
  { to: '/cloud-recording', title: 'Cloud recording', text: 'Record calls to HLS and MP4, on the server or in an S3-compatible bucket.' },
  { to: '/self-hosting/deployment', title: 'Deployment', text: 'One machine or several nodes: ports, addresses, TLS, TURN, backups.' },
  { to: '/self-hosting/configuration', title: 'Configuration', text: 'Every PARLEY_* variable, its default and what it does.' },
  { to: '/self-hosting/monitoring', title: 'Monitoring', text: 'Health and readiness probes, Prometheus metrics, logs.' },
  { to: '/self-hosting/upgrades', title: 'Upgrades', text: 'Migrations at start, upgrading nodes one at a time, the SDK\'s versioned bundles.' },
];

export default function Home(): React.JSX.Element {
  return (
    <Layout title="Parley docs" description="Guides and API reference for Parley, the self-hosted video-calling platform.">
      <main className={styles.main}>
        <h1>Parley developer docs</h1>
        <p className={styles.lead}>
          Channels, tokens, sessions and usage of your own Parley server, over a REST API that answers Agora-shaped requests.
        </p>
        <ul className={styles.entries}>
          {ENTRIES.map((entry) => (
            <li key={entry.to} className={styles.entry}>
              <Link to={entry.to} className={styles.entryTitle}>
                {entry.title}
              </Link>
              <p>{entry.text}</p>
            </li>
          ))}
        </ul>
      </main>
    </Layout>
  );
}

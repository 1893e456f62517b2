/**
 * The error catalogue of @parley/protocol as a table (generated/errors.json, written at build time):
 * every message the API can answer with and its status.
 */
import React from 'react';
import errors from '@site/generated/errors.json';

export default function ErrorCatalogue(): React.JSX.Element {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Message</th>
          <th scope="col">Key</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((entry) => (
          <tr key={entry.key}>
            <td>
              <code>{entry.status}</code>
            </td>
            <td>{entry.message}</td>
            <td>
              <code>{entry.key}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

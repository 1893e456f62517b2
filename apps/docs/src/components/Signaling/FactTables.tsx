/**
 * Tables of the signaling overview, from generated/signaling.json (written at build time from the
 * protocol package and the server's configuration table): close codes, error codes, the server
 * settings that bound signaling, and the data channel's frame kinds and example frames.
 */
import React from 'react';
import signaling from '@site/generated/signaling.json';
import InlineMarkdown from '../InlineMarkdown';

interface Column<Row> {
  title: string;
  cell(row: Row): React.ReactNode;
}

function Table<Row>({ rows, columns, rowKey }: { rows: Row[]; columns: Column<Row>[]; rowKey(row: Row): string }): React.JSX.Element {
  return (
    <table>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.title} scope="col">
              {column.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.title}>{column.cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const { facts } = signaling;

/** A code and what it means: the shape of both close codes and error codes. */
function CodeTable({ rows }: { rows: { code: string | number; meaning: string }[] }): React.JSX.Element {
  return (
    <Table
      rows={rows}
      rowKey={(row) => String(row.code)}
      columns={[
        { title: 'Code', cell: (row) => <code>{row.code}</code> },
        { title: 'Meaning', cell: (row) => <InlineMarkdown text={row.meaning} /> },
      ]}
    />
  );
}

export function CloseCodes(): React.JSX.Element {
  return <CodeTable rows={facts.closeCodes} />;
}

export function ErrorCodes(): React.JSX.Element {
  return <CodeTable rows={facts.errorCodes} />;
}

export function SessionSettings(): React.JSX.Element {
  return (
    <Table
      rows={facts.settings}
      rowKey={(row) => row.name}
      columns={[
        { title: 'Server setting', cell: (row) => <code>{row.name}</code> },
        { title: 'Default', cell: (row) => <code>{row.default}</code> },
        { title: 'Meaning', cell: (row) => <InlineMarkdown text={row.meaning} /> },
      ]}
    />
  );
}

export function DataFrameKinds(): React.JSX.Element {
  return (
    <Table
      rows={facts.dataChannel.kinds}
      rowKey={(row) => row.name}
      columns={[
        { title: 'kind byte', cell: (row) => <code>{row.value}</code> },
        { title: 'Carries', cell: (row) => <code>{row.name}</code> },
      ]}
    />
  );
}

export function DataFrameExamples(): React.JSX.Element {
  return (
    <Table
      rows={facts.dataChannel.exampleFrames}
      rowKey={(row) => row.frame}
      columns={[
        { title: 'Frame', cell: (row) => row.frame },
        { title: 'Bytes (hex)', cell: (row) => <code>{row.bytes}</code> },
      ]}
    />
  );
}

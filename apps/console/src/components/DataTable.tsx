/**
 * A table of rows from the server: scrolls sideways on narrow screens instead of squeezing its
 * columns, with the pager below when the list has pages.
 */
import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { Pager } from './Pager.tsx';
import type { usePages } from './usePages.ts';

export function DataTable({ minWidth, head, children, paging, striped = false }: {
  minWidth: number;
  /** Column headings; false leaves a column out (one the user's role has no use for). */
  head: Array<ReactNode | false>;
  children: ReactNode;
  paging?: { pages: ReturnType<typeof usePages>; nextCursor: string | null };
  striped?: boolean;
}) {
  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table verticalSpacing="sm" striped={striped} highlightOnHover>
          <Table.Thead>
            <Table.Tr>{head.filter((heading) => heading !== false).map((heading, index) => <Table.Th key={index}>{heading}</Table.Th>)}</Table.Tr>
          </Table.Thead>
          <Table.Tbody>{children}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {paging && <Pager page={paging.pages.page} nextCursor={paging.nextCursor} onNext={paging.pages.next} onPrevious={paging.pages.previous} />}
    </>
  );
}

/**
 * The fields of an ApiMethod, recursively: name, type, required mark, description, and a button
 * that shows or hides a field's children. Hidden children stay in the HTML (the `hidden`
 * attribute), so they are indexed and present before the page is interactive.
 */
import React, { useId, useState } from 'react';
import InlineMarkdown from '../InlineMarkdown';
import type { ApiField } from './types';
import styles from './styles.module.css';

function Field({ field }: { field: ApiField }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const childrenId = useId();
  const children = field.children ?? [];
  return (
    <li className={styles.field}>
      <div className={styles.fieldHead}>
        <code className={styles.fieldName}>{field.name}</code>
        <span className={styles.fieldType}>{field.type}</span>
        {field.required && <span className={styles.required}>required</span>}
      </div>
      {field.description && (
        <p className={styles.fieldDescription}>
          <InlineMarkdown text={field.description} />
        </p>
      )}
      {children.length > 0 && (
        <>
          <button
            type="button"
            className={styles.childToggle}
            aria-expanded={open}
            aria-controls={childrenId}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide' : 'Show'} {children.length} child {children.length === 1 ? 'field' : 'fields'} of {field.name}
          </button>
          <FieldList fields={children} id={childrenId} hidden={!open} nested />
        </>
      )}
    </li>
  );
}

export interface FieldListProps {
  fields: ApiField[];
  id?: string;
  hidden?: boolean;
  nested?: boolean;
}

export default function FieldList({ fields, id, hidden, nested }: FieldListProps): React.JSX.Element {
  return (
    <ul id={id} hidden={hidden} className={nested ? styles.nestedFields : styles.fields}>
      {fields.map((field) => (
        <Field key={field.name} field={field} />
      ))}
    </ul>
  );
}

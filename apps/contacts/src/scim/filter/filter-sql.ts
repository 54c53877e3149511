import { ScimError } from '../scim.errors';
import { CompareOp, ScimFilter, ScimValue } from './scim-filter';

/**
 * How one filterable attribute reads in SQL. `expression` is trusted SQL from
 * the tables below, never from the request; request values only ever become
 * bound parameters. `many` attributes hold several values: the condition is
 * tested on each (`v.x`) inside EXISTS.
 */
export interface FilterColumn {
  expression: string;
  type: 'string' | 'boolean' | 'datetime';
  /** RFC 7643 caseExact: false compares lower() of both sides. */
  caseExact: boolean;
  /** An array expression whose elements are the values (emails, phone numbers). */
  many?: boolean;
  /** A complete condition builder for values held in another table (group members). */
  exists?: (condition: string) => string;
}

export type FilterColumns = Record<string, FilterColumn>;

export interface CompiledFilter {
  sql: string;
  parameters: unknown[];
}

/**
 * Turns a parsed filter into a WHERE condition over `columns`, numbering its
 * parameters after `firstParameter - 1` existing ones. Attributes outside
 * `columns` and operators that make no sense for a type are invalidFilter.
 */
export function filterToSql(
  filter: ScimFilter,
  columns: FilterColumns,
  firstParameter = 1,
): CompiledFilter {
  const parameters: unknown[] = [];
  const bind = (value: unknown) => {
    parameters.push(value);

    return `$${firstParameter + parameters.length - 1}`;
  };
  const sql = compile(filter, columns, bind);

  return { sql, parameters };
}

/** Escapes LIKE's wildcards (and its escape character) so a value matches only itself. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

type Bind = (value: unknown) => string;

function compile(filter: ScimFilter, columns: FilterColumns, bind: Bind): string {
  switch (filter.op) {
    case 'and':
    case 'or':
      return `(${compile(filter.left, columns, bind)} ${filter.op.toUpperCase()} ${compile(
        filter.right,
        columns,
        bind,
      )})`;
    case 'not':
      return `(NOT coalesce(${compile(filter.filter, columns, bind)}, false))`;
    case 'has':
      throw ScimError.invalidFilter(
        `Filtering on values of "${filter.attribute}" with [ ] is not supported; filter on the attribute itself.`,
      );
    default: {
      const column = columns[filter.attribute];
      if (!column) {
        throw ScimError.invalidFilter(
          `The attribute "${filter.attribute}" cannot be filtered on; supported: ${Object.keys(
            columns,
          ).join(', ')}.`,
        );
      }
      if (column.exists) {
        return column.exists(condition(filter, column, 'v.x', bind));
      }
      if (column.many) {
        return `EXISTS (SELECT 1 FROM unnest(${column.expression}) AS v (x) WHERE ${condition(
          filter,
          column,
          'v.x',
          bind,
        )})`;
      }

      return condition(filter, column, column.expression, bind);
    }
  }
}

function condition(
  filter: Extract<ScimFilter, { attribute: string }>,
  column: FilterColumn,
  expression: string,
  bind: Bind,
): string {
  if (filter.op === 'pr') {
    return column.type === 'string'
      ? `(${expression} IS NOT NULL AND ${expression} <> '')`
      : `(${expression} IS NOT NULL)`;
  }
  if (filter.op === 'has') {
    throw ScimError.invalidFilter(`"${filter.attribute}" holds no values to filter with [ ].`);
  }
  const { op, value } = filter;
  if (value === null) {
    if (op === 'eq' || op === 'ne') {
      return `(${expression} IS ${op === 'eq' ? '' : 'NOT '}NULL)`;
    }
    throw ScimError.invalidFilter(`"${op}" cannot compare with null.`);
  }
  switch (column.type) {
    case 'boolean':
      return booleanCondition(filter.attribute, op, value, expression, bind);
    case 'datetime':
      return datetimeCondition(filter.attribute, op, value, expression, bind);
    default:
      return stringCondition(filter.attribute, op, value, column, expression, bind);
  }
}

function stringCondition(
  attribute: string,
  op: CompareOp,
  value: ScimValue,
  column: FilterColumn,
  expression: string,
  bind: Bind,
): string {
  if (typeof value !== 'string') {
    throw ScimError.invalidFilter(`"${attribute}" is a string; compare it with a quoted value.`);
  }
  const fold = (sql: string) => (column.caseExact ? sql : `lower(${sql})`);
  const left = fold(expression);
  switch (op) {
    case 'eq':
      return `(${left} = ${fold(bind(value))})`;
    case 'ne':
      return `(${expression} IS NULL OR ${left} <> ${fold(bind(value))})`;
    case 'co':
      return `(${left} LIKE ${fold(bind(`%${escapeLike(value)}%`))})`;
    case 'sw':
      return `(${left} LIKE ${fold(bind(`${escapeLike(value)}%`))})`;
    case 'ew':
      return `(${left} LIKE ${fold(bind(`%${escapeLike(value)}`))})`;
    default:
      return `(${left} ${SQL_ORDER[op]} ${fold(bind(value))})`;
  }
}

function booleanCondition(
  attribute: string,
  op: CompareOp,
  value: ScimValue,
  expression: string,
  bind: Bind,
): string {
  if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) {
    throw ScimError.invalidFilter(`"${attribute}" is a boolean: use eq or ne with true or false.`);
  }

  return `(${expression} ${op === 'eq' ? '=' : '<>'} ${bind(value)}::boolean)`;
}

function datetimeCondition(
  attribute: string,
  op: CompareOp,
  value: ScimValue,
  expression: string,
  bind: Bind,
): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  // Years 1 to 9999 only: JavaScript reads years PostgreSQL's timestamptz input does not
  // (0, negative and six-digit ones), and such a time could not be a stored one anyway.
  const iso = Number.isNaN(time) ? '' : new Date(time).toISOString();
  if (!/^(?!0000)\d{4}-/.test(iso) || op === 'co' || op === 'sw' || op === 'ew') {
    throw ScimError.invalidFilter(
      `"${attribute}" is a date-time: compare it (eq, ne, gt, ge, lt, le) with an xsd:dateTime string of a year from 1 to 9999.`,
    );
  }
  const parameter = `${bind(iso)}::timestamptz`;
  if (op === 'eq' || op === 'ne') {
    // Stored times have microseconds, SCIM ones at most milliseconds: compare at that precision.
    return `(date_trunc('milliseconds', ${expression}) ${op === 'eq' ? '=' : '<>'} ${parameter})`;
  }

  return `(${expression} ${SQL_ORDER[op]} ${parameter})`;
}

const SQL_ORDER: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

import type { SqlValue } from './database.js';

/**
 * Builds a parameterised `where` clause and page for list queries: every `?` in a condition becomes the
 * next positional parameter, so filters are composed without string-pasting values into SQL.
 */
export class SqlFilter {
  readonly params: SqlValue[];
  private readonly conditions: string[];

  constructor(firstCondition: string, firstValue: SqlValue) {
    this.params = [firstValue];
    this.conditions = [firstCondition.replace('?', '$1')];
  }

  /** adds a condition whose every `?` is the same value */
  where(condition: string, value?: SqlValue): this {
    if (value === undefined) {
      this.conditions.push(condition);
      return this;
    }
    this.params.push(value);
    this.conditions.push(condition.replaceAll('?', `$${this.params.length}`));
    return this;
  }

  /** `where …` then `order by …` and the page as `offset … limit …` */
  clause(orderBy: string, page: { first: number; max: number }): string {
    this.params.push(page.first, page.max);
    const n = this.params.length;
    return `where ${this.conditions.join(' and ')} order by ${orderBy} offset $${n - 1} limit $${n}`;
  }
}

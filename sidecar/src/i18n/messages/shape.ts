import type { en } from './en/index.js';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
/** The shape every language must have: English's keys, any text. */
export type Messages = Shape<typeof en>;

type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
/** Every key a translator knows, dotted: `common.greeting`. */
export type MessageKey = Paths<typeof en>;

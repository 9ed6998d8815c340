/** One statement and its parameters: what the data functions run and explain-cli explains. */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

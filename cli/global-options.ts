/** Options every command accepts. */
export interface GlobalOptions {
  project: string;
  json?: boolean;
  plain?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** The three kinds of failure kiln distinguishes; one top-level handler renders them. */

/** Something the user can fix: says what is wrong, where, and what to try. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(message: string, readonly hint?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A tool kiln drives (docker, git, a child process) failed; keeps the original as `cause`. */
export class ExternalError extends Error {
  override name = 'ExternalError';
  constructor(
    message: string,
    readonly command?: string,
    options?: { cause?: unknown; hint?: string; tail?: string[] },
  ) {
    super(message, { cause: options?.cause });
    this.hint = options?.hint;
    this.tail = options?.tail ?? [];
  }
  readonly hint: string | undefined;
  /** The last lines of output of the failed command, shown to the user. */
  readonly tail: string[];
}

/** kiln itself is wrong. */
export class BugError extends Error {
  override name = 'BugError';
}

export function isKilnError(error: unknown): error is UserError | ExternalError | BugError {
  return error instanceof UserError || error instanceof ExternalError || error instanceof BugError;
}

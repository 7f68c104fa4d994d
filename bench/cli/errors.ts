// CLI failures with their exit codes: 2 for bad input (every problem as `path: message`),
// 1 for anything else. Thrown anywhere in the CLI, printed once by main.

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'UsageError';
  }
}

export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'RunError';
  }
}

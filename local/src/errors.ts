import type { SandboxErrorCode } from '../../contracts/sandbox-protocol.js';

/** A client mistake the sandbox answers with `status` and `{error:{code,message}}`; never a 5xx. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }

  toBody(): { error: { code: SandboxErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

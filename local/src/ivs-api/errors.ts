/**
 * Errors of the IVS real-time API, in its wire shape (restJson1): HTTP status, `x-amzn-ErrorType: <Name>` (what the
 * AWS SDKs and the CLI read to pick the exception class) and a JSON body with `exceptionMessage` (IVS's member) and
 * `message` (so SDK errors carry a readable `.message`).
 */
export const IVS_ERROR_STATUS = {
  ValidationException: 400,
  AccessDeniedException: 403,
  // SigV4 failures (off loopback, where signatures are verified), named as AWS names them.
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  InternalServerException: 500,
} as const;
export type IvsErrorName = keyof typeof IVS_ERROR_STATUS;

export class IvsApiError extends Error {
  readonly status: number;

  constructor(
    readonly errorType: IvsErrorName,
    message: string,
  ) {
    super(message);
    this.name = errorType;
    this.status = IVS_ERROR_STATUS[errorType];
  }

  static validation(message: string): IvsApiError {
    return new IvsApiError('ValidationException', message);
  }
  static notFound(message: string): IvsApiError {
    return new IvsApiError('ResourceNotFoundException', message);
  }
  static conflict(message: string): IvsApiError {
    return new IvsApiError('ConflictException', message);
  }
  static quota(message: string): IvsApiError {
    return new IvsApiError('ServiceQuotaExceededException', message);
  }
  static accessDenied(message: string): IvsApiError {
    return new IvsApiError('AccessDeniedException', message);
  }
  static unknownOperation(name: string): IvsApiError {
    return new IvsApiError('UnknownOperationException', `unknown operation: ${name.slice(0, 100)}`);
  }
  /** An IVS operation the sandbox leaves out (it needs S3, channels or a second stage). */
  static notEmulated(name: string): IvsApiError {
    return new IvsApiError(
      'ValidationException',
      `${name} is not emulated by the sandbox (no recording, storage, encoder or ingest configurations, compositions or replication); ` +
        'run it against AWS',
    );
  }

  toBody(): { exceptionMessage: string; message: string } {
    return { exceptionMessage: this.message, message: this.message };
  }
}

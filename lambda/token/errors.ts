/**
 * The token API's one error type. Every non-2xx answer is an ApiError rendered as the contract's ErrorBody; a 5xx
 * carries a generic public message and keeps the detail (`cause`) for the log only.
 */
import type { ErrorBody, ErrorCode } from '../../contracts/token-api.js';

export interface ApiErrorOptions {
  /** The request field at fault, dotted ("attributes.note"). */
  readonly field?: string;
  /** Extra response headers (Retry-After, Allow). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Internal detail for the log; never sent to the client. */
  readonly cause?: unknown;
}

export class ApiError extends Error {
  readonly field: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.field = options.field;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }

  static invalidJson(message = 'request body is not valid JSON'): ApiError {
    return new ApiError(400, 'INVALID_JSON', message);
  }

  static invalidRequest(message: string, field?: string): ApiError {
    return new ApiError(400, 'INVALID_REQUEST', message, field === undefined ? {} : { field });
  }

  static payloadTooLarge(limitBytes: number): ApiError {
    return new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${limitBytes} bytes`);
  }

  static unsupportedMediaType(): ApiError {
    return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json');
  }

  static unauthorized(message = 'sign in first: this request needs a valid ID token'): ApiError {
    return new ApiError(401, 'UNAUTHORIZED', message);
  }

  static forbidden(message: string, field?: string): ApiError {
    return new ApiError(403, 'FORBIDDEN', message, field === undefined ? {} : { field });
  }

  static notFound(message: string, cause?: unknown): ApiError {
    return new ApiError(404, 'NOT_FOUND', message, { cause });
  }

  static routeNotFound(method: string, path: string): ApiError {
    return new ApiError(404, 'ROUTE_NOT_FOUND', `no route for ${method} ${path}`);
  }

  static methodNotAllowed(method: string, allowed: readonly string[]): ApiError {
    return new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allowed.join(' or ')}`, {
      headers: { allow: allowed.join(', ') },
    });
  }

  static throttled(retryAfterSeconds: number, cause?: unknown): ApiError {
    return new ApiError(429, 'THROTTLED', `IVS is throttling requests; retry after ${retryAfterSeconds} s`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
      cause,
    });
  }

  static quotaExceeded(cause?: unknown): ApiError {
    return new ApiError(
      503,
      'QUOTA_EXCEEDED',
      'an IVS service quota is exhausted (for example participants per stage); try again later or ask the operator to raise the quota',
      { cause },
    );
  }

  /** Any server-side failure: the body stays generic, the cause goes to the log. */
  static internal(cause?: unknown): ApiError {
    return new ApiError(500, 'INTERNAL', 'internal error; try again later', { cause });
  }
}

/** Narrow an unknown thrown value to its name/message for logging, without serialising whole SDK objects. */
export function describeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: typeof err, message: String(err) };
}

/**
 * The token API as a function of its dependencies. handler.ts binds it to the Lambda environment; the sandbox mounts
 * it in-process with an IVS client pointed at its emulator. Every outcome is a JSON response: client mistakes are 4xx
 * naming the field, server faults a generic 5xx (detail in the log); the handler never throws.
 */
import { DisconnectParticipantCommand, type IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { COMPILED_ROUTES, matchApiRoute, type CompiledRoute } from '../../contracts/api-routes.js';
import { STAGE_ARN_PATTERN } from '../../contracts/ids.js';
import { errorResponse, jsonResponse, readJsonBody } from './http.js';
import { logger as defaultLogger, metrics as defaultMetrics } from '../shared/powertools.js';
import { CreateTokenRequest, DisconnectRequest, LIMITS, MintingMode, ParticipantId, ViewerAccess, type CreateTokenResponse, type DisconnectResponse, type ErrorCode, type TimeResponse } from '../../contracts/token-api.js';
import { ANONYMOUS, callerFromClaims, isPublisher, mapAwsError, parseRequest, planToken, type Caller } from './core.js';
import { ApiError, describeError } from './errors.js';
import { createApiMinter, createEndpointResolver, createSelfSignedMinter, type Minter } from './minting.js';
import { createStageReader, type StageReader } from './stage-summary.js';

export interface TokenApiConfig {
  stageArn: string;
  minting: MintingMode;
  viewerAccess: ViewerAccess;
  /** ARN of the IVS public key whose private half signs self-signed tokens (the JWT `kid`). Required for self-signed. */
  publicKeyArn?: string;
  /** Stage WHIP endpoint for self-signed tokens. @default read once from GetStage */
  whipUrl?: string;
  /** Stage events endpoint for self-signed tokens. @default read once from GetStage */
  eventsUrl?: string;
  /** Path prefix the API is mounted under when not at the root (e.g. the sandbox's "/api"). @default none */
  basePath?: string;
}

export interface TokenApiDeps {
  config: TokenApiConfig;
  ivs: IVSRealTimeClient;
  /** PKCS#8 PEM of the signing key; called at most once per container while it succeeds. Required for self-signed. */
  loadPrivateKeyPem?: () => Promise<string>;
  /** @default Date.now */
  now?: () => number;
  /** @default the token-api Powertools logger */
  logger?: Logger;
  /** @default the token-api Powertools metrics */
  metrics?: Metrics;
}

export type TokenApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A wiring mistake (missing key loader, bad ARN): thrown by createHandler at load, never at request time. */
export class TokenApiConfigError extends Error {
  override readonly name = 'TokenApiConfigError';
}

const StageArn = z
  .string()
  .regex(STAGE_ARN_PATTERN, 'stageArn must be an IVS stage ARN (arn:aws:ivs:REGION:ACCOUNT:stage/ID)');
const ConfigSchema = z.object({
  stageArn: StageArn,
  minting: MintingMode,
  viewerAccess: ViewerAccess,
  publicKeyArn: z.string().min(1).optional(),
  whipUrl: z.string().url().optional(),
  eventsUrl: z.string().url().optional(),
  basePath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'basePath must look like "/api" (no trailing slash)')
    .optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Routing

interface MatchedRoute {
  readonly route: CompiledRoute;
  readonly params: Readonly<Record<string, string>>;
}

function requestPath(event: APIGatewayProxyEventV2, basePath: string | undefined): string {
  let path = typeof event.rawPath === 'string' && event.rawPath.length > 0 ? event.rawPath : '/';
  // API Gateway keeps a named stage ("/prod/tokens") in rawPath; the $default stage has none.
  const stage = event.requestContext?.stage;
  if (typeof stage === 'string' && stage !== '$default' && path.startsWith(`/${stage}/`)) path = path.slice(stage.length + 1);
  if (basePath !== undefined && (path === basePath || path.startsWith(`${basePath}/`))) path = path.slice(basePath.length) || '/';
  return path;
}

function requestMethod(event: APIGatewayProxyEventV2): string {
  const method = event?.requestContext?.http?.method;
  return typeof method === 'string' ? method.toUpperCase() : 'GET';
}

function matchRoute(event: APIGatewayProxyEventV2, basePath: string | undefined): MatchedRoute {
  const method = requestMethod(event);
  // Prefer API Gateway's routeKey ("POST /tokens"): it is exactly the route that matched upstream.
  if (typeof event.routeKey === 'string' && event.routeKey !== '$default') {
    const byKey = COMPILED_ROUTES.find((r) => r.routeKey === event.routeKey);
    if (byKey !== undefined) {
      const params: Record<string, string> = {};
      for (const p of byKey.paramNames) {
        const v = event.pathParameters?.[p];
        if (typeof v === 'string') params[p] = v;
      }
      if (Object.keys(params).length === byKey.paramNames.length) return { route: byKey, params };
    }
  }
  const path = requestPath(event, basePath);
  // One trailing slash is tolerated ("/tokens/"), as it always was here.
  const found = matchApiRoute(method, path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
  if (found.kind === 'notFound') throw ApiError.routeNotFound(method, path.slice(0, 200));
  if (found.kind === 'methodNotAllowed') throw ApiError.methodNotAllowed(method, found.allow);
  return found;
}

function callerOf(event: APIGatewayProxyEventV2): Caller {
  const authorizer: unknown = (event.requestContext as { authorizer?: unknown } | undefined)?.authorizer;
  if (authorizer === null || typeof authorizer !== 'object') return ANONYMOUS;
  const jwt: unknown = (authorizer as { jwt?: unknown }).jwt;
  if (jwt === null || typeof jwt !== 'object') return ANONYMOUS;
  return callerFromClaims((jwt as { claims?: unknown }).claims);
}

function decodePathParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Handler

const CREATE_TOKEN_FIELDS = Object.keys(CreateTokenRequest.shape);
const DISCONNECT_FIELDS = Object.keys(DisconnectRequest.shape);
const PathParams = z.object({ participantId: ParticipantId });
const DEFAULT_DISCONNECT_REASON = 'disconnected by a moderator';

interface Outcome {
  readonly response: APIGatewayProxyStructuredResultV2;
  /** Non-secret facts for the request log line. */
  readonly log?: Readonly<Record<string, string | number | boolean>>;
}

export function createHandler(deps: TokenApiDeps): TokenApiHandler {
  const parsedConfig = ConfigSchema.safeParse(deps.config);
  if (!parsedConfig.success) {
    const issue = parsedConfig.error.issues[0];
    throw new TokenApiConfigError(`token API config: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsedConfig.data;
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;

  let minter: Minter;
  if (config.minting === 'self-signed') {
    if (config.publicKeyArn === undefined) throw new TokenApiConfigError('self-signed minting needs publicKeyArn');
    if (deps.loadPrivateKeyPem === undefined) throw new TokenApiConfigError('self-signed minting needs loadPrivateKeyPem');
    minter = createSelfSignedMinter({
      stageArn: config.stageArn,
      publicKeyArn: config.publicKeyArn,
      loadPrivateKeyPem: deps.loadPrivateKeyPem,
      endpoints: createEndpointResolver(deps.ivs, config.stageArn, config),
      now,
    });
  } else {
    minter = createApiMinter(deps.ivs, config.stageArn, now);
  }
  const stageReader: StageReader = createStageReader({ ivs: deps.ivs, stageArn: config.stageArn, now });

  /** One metric per flush: add and publish synchronously so concurrent in-process requests never mix dimensions. */
  const countMetric = (name: string, dimensions: Record<string, string>): void => {
    try {
      metrics.addDimensions(dimensions);
      metrics.addMetric(name, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    } catch (err: unknown) {
      logger.warn('metric not published', { metric: name, error: describeError(err) });
    }
  };

  const createToken = async (event: APIGatewayProxyEventV2, route: CompiledRoute): Promise<Outcome> => {
    const caller = callerOf(event);
    if (route.name === 'createTokenAuthenticated' && !caller.authenticated) throw ApiError.unauthorized();
    const body = readJsonBody(event, LIMITS.bodyMaxBytes);
    if (body === undefined) {
      throw ApiError.invalidRequest('a JSON body is required, e.g. {"role":"viewer"}', 'role');
    }
    const request = parseRequest(CreateTokenRequest, body, CREATE_TOKEN_FIELDS);
    const plan = planToken({ request, caller, viewerAccess: config.viewerAccess });
    let minted;
    try {
      minted = await minter.mint(plan);
    } catch (err: unknown) {
      throw mapAwsError(err);
    }
    countMetric('TokensIssued', { role: plan.role, minting: minter.mode });
    const response: CreateTokenResponse = {
      token: minted.token,
      participantId: minted.participantId,
      userId: minted.userId,
      capabilities: minted.capabilities,
      expiresAt: minted.expiresAt.toISOString(),
      stageArn: config.stageArn,
      minting: minter.mode,
    };
    return {
      response: jsonResponse(201, response),
      log: {
        role: plan.role,
        minting: minter.mode,
        participantId: minted.participantId,
        durationMinutes: plan.durationMinutes,
        authenticated: caller.authenticated,
      },
    };
  };

  const disconnect = async (event: APIGatewayProxyEventV2, params: Readonly<Record<string, string>>): Promise<Outcome> => {
    const caller = callerOf(event);
    if (!caller.authenticated) throw ApiError.unauthorized();
    if (!isPublisher(caller)) throw ApiError.forbidden('disconnecting participants needs membership of the publishers group');
    const { participantId } = parseRequest(PathParams, { participantId: decodePathParam(params['participantId'] ?? '') });
    const body = readJsonBody(event, LIMITS.bodyMaxBytes);
    const request = body === undefined ? {} : parseRequest(DisconnectRequest, body, DISCONNECT_FIELDS);
    try {
      await deps.ivs.send(
        new DisconnectParticipantCommand({
          stageArn: config.stageArn,
          participantId,
          reason: request.reason ?? DEFAULT_DISCONNECT_REASON,
        }),
      );
    } catch (err: unknown) {
      throw mapAwsError(err, { notFound: `participant ${participantId} not found on this stage` });
    }
    const response: DisconnectResponse = { participantId, disconnected: true };
    return { response: jsonResponse(200, response), log: { participantId } };
  };

  const dispatch = async (event: APIGatewayProxyEventV2): Promise<Outcome> => {
    const { route, params } = matchRoute(event, config.basePath);
    switch (route.name) {
      case 'createToken':
      case 'createTokenAuthenticated':
        return createToken(event, route);
      case 'stage': {
        const summary = await stageReader.read();
        return { response: jsonResponse(200, summary), log: { stale: summary.stale } };
      }
      case 'disconnect':
        return disconnect(event, params);
      case 'time': {
        const response: TimeResponse = { epochMs: now() };
        return { response: jsonResponse(200, response) };
      }
    }
  };

  return async (event, context) => {
    const started = performance.now();
    const requestId = event?.requestContext?.requestId;
    const correlationId = typeof requestId === 'string' && requestId.length > 0 ? requestId : context?.awsRequestId;
    const routeKey = typeof event?.routeKey === 'string' ? event.routeKey : `${requestMethod(event)} ${event?.rawPath ?? ''}`;
    // Only these fields are logged: never the event, headers (Authorization) or bodies (tokens).
    const base = { correlation_id: correlationId, route: routeKey.slice(0, 200) };
    try {
      const outcome = await dispatch(event);
      logger.info('request', {
        ...base,
        status: outcome.response.statusCode ?? 200,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...outcome.log,
      });
      return outcome.response;
    } catch (err: unknown) {
      const apiError = err instanceof ApiError ? err : ApiError.internal(err);
      const code: ErrorCode = apiError.code;
      countMetric('TokenErrors', { code });
      const fields = {
        ...base,
        status: apiError.status,
        code,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...(apiError.field === undefined ? {} : { field: apiError.field }),
      };
      if (apiError.status >= 500) logger.error('request failed', { ...fields, error: describeError(apiError.cause ?? err) });
      else logger.info('request rejected', fields);
      return errorResponse(apiError);
    }
  };
}

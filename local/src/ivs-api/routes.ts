/**
 * The IVS real-time control-plane API on its own wire protocol (restJson1): `POST /<Operation>` with a JSON body,
 * tag operations on `/tags/{resourceArn}`. The unmodified `@aws-sdk/client-ivs-realtime` client and the AWS CLI work
 * against it with an endpoint override. Requests must carry a SigV4 Authorization header; on loopback any
 * credentials work, off loopback the signature is verified against the key pair printed at start (sigv4.ts).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxConfig } from '../config.js';
import { originOf } from '../origin.js';
import { IvsApiError } from './errors.js';
import * as S from './schemas.js';
import { parseInput } from './schemas.js';
import { parseAuthorization, verifySigV4 } from './sigv4.js';
import type { IvsStore, Origin } from './store.js';

/** IVS request bodies are small (the largest is a PEM key or 12 token configurations). */
const BODY_LIMIT_BYTES = 64 * 1024;

export interface IvsApiPluginOptions {
  readonly store: IvsStore;
  readonly config: SandboxConfig;
  readonly nowMs: () => number;
}

type Body = Record<string, unknown>;
type Operation = (body: Body, origin: Origin) => unknown;

/** A Map, not an object: an operation name is user input, and `__proto__` or `toString` must not find anything. */
function operations(store: IvsStore): ReadonlyMap<string, Operation> {
  return new Map<string, Operation>(Object.entries({
    CreateStage: (b, o) => store.createStage(parseInput(S.CreateStageInput, b), o),
    GetStage: (b, o) => store.getStage(parseInput(S.ArnInput, b).arn, o),
    ListStages: (b) => store.listStages(parseInput(S.ListInput, b)),
    UpdateStage: (b, o) => store.updateStage(parseInput(S.UpdateStageInput, b), o),
    DeleteStage: (b) => store.deleteStage(parseInput(S.ArnInput, b).arn),
    CreateParticipantToken: (b, o) => store.createParticipantToken(parseInput(S.CreateParticipantTokenInput, b), o),
    ListParticipants: (b) => store.listParticipants(parseInput(S.ListParticipantsInput, b)),
    GetParticipant: (b) => store.getParticipant(parseInput(S.GetParticipantInput, b)),
    ListParticipantEvents: (b) => store.listParticipantEvents(parseInput(S.ListParticipantEventsInput, b)),
    DisconnectParticipant: (b) => store.disconnectParticipant(parseInput(S.DisconnectParticipantInput, b)),
    ListStageSessions: (b) => store.listStageSessions(parseInput(S.ListStageSessionsInput, b)),
    GetStageSession: (b) => store.getStageSession(parseInput(S.GetStageSessionInput, b)),
    ImportPublicKey: (b) => store.importPublicKey(parseInput(S.ImportPublicKeyInput, b)),
    GetPublicKey: (b) => store.getPublicKey(parseInput(S.PublicKeyArnInput, b).arn),
    ListPublicKeys: (b) => store.listPublicKeys(parseInput(S.ListInput, b)),
    DeletePublicKey: (b) => store.deletePublicKey(parseInput(S.PublicKeyArnInput, b).arn),
  } satisfies Record<string, Operation>));
}

/** Operations of the IVS API that the sandbox does not emulate: named, so the error says so instead of "unknown". */
const NOT_EMULATED = new Set([
  'CreateEncoderConfiguration',
  'DeleteEncoderConfiguration',
  'GetEncoderConfiguration',
  'ListEncoderConfigurations',
  'CreateStorageConfiguration',
  'DeleteStorageConfiguration',
  'GetStorageConfiguration',
  'ListStorageConfigurations',
  'StartComposition',
  'StopComposition',
  'GetComposition',
  'ListCompositions',
  'CreateIngestConfiguration',
  'DeleteIngestConfiguration',
  'GetIngestConfiguration',
  'ListIngestConfigurations',
  'UpdateIngestConfiguration',
  'StartParticipantReplication',
  'StopParticipantReplication',
  'ListParticipantReplicas',
]);

function parseJsonBody(request: FastifyRequest): Body {
  const raw = request.body;
  if (raw === undefined || raw === null) return {};
  if (!Buffer.isBuffer(raw)) throw IvsApiError.validation('Unreadable request body');
  if (raw.length === 0) return {};
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/x-amz-json-1.1') {
    throw IvsApiError.validation('The request body must be JSON (Content-Type: application/json)');
  }
  let parsed: unknown;
  try {
    // fatal: invalid UTF-8 is refused, not silently replaced with U+FFFD.
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw IvsApiError.validation('The request body is not valid JSON (UTF-8)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw IvsApiError.validation('The request body must be a JSON object');
  }
  return parsed as Body;
}

function requestOrigin(request: FastifyRequest): Origin {
  const origin = originOf(request);
  if (!origin) throw IvsApiError.validation('The Host header is not a valid host[:port]');
  return origin;
}

function sendJson(reply: FastifyReply, request: FastifyRequest, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('x-amzn-RequestId', request.id)
    .type('application/json')
    .send(JSON.stringify(body));
}

function toIvsError(err: FastifyError | IvsApiError | Error): IvsApiError | undefined {
  if (err instanceof IvsApiError) return err;
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status === 413) return IvsApiError.validation(`The request body is larger than ${BODY_LIMIT_BYTES} bytes`);
  if (status < 500) return IvsApiError.validation(err.message);
  return undefined;
}

export async function ivsApiPlugin(app: FastifyInstance, opts: IvsApiPluginOptions): Promise<void> {
  const ops = operations(opts.store);

  // Bodies are read raw and parsed here, so every malformed body gets an AWS-shaped error, not fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError | IvsApiError, request, reply) => {
    const ivsError = toIvsError(err);
    if (ivsError) {
      reply.header('x-amzn-ErrorType', ivsError.errorType);
      return sendJson(reply, request, ivsError.status, ivsError.toBody());
    }
    request.log.error({ err }, 'IVS emulator operation failed');
    const internal = new IvsApiError('InternalServerException', 'Internal error');
    reply.header('x-amzn-ErrorType', internal.errorType);
    return sendJson(reply, request, internal.status, internal.toBody());
  });

  if (opts.config.requireSigV4) {
    app.addHook('onRequest', async (request) => {
      const auth = request.headers.authorization;
      if (parseAuthorization(auth) === undefined) {
        throw IvsApiError.accessDenied(
          'Missing or malformed SigV4 Authorization header. Sign requests as an AWS SDK or the AWS CLI does ' +
            (opts.config.sigV4Credentials
              ? '(with the access key pair the sandbox printed at start).'
              : '(any credentials work on loopback: the sandbox does not verify signatures there).'),
        );
      }
    });
  }
  const credentials = opts.config.sigV4Credentials;
  // After the body is read: the signature covers its hash.
  if (credentials) app.addHook('preHandler', async (request) => verifySigV4(request, credentials, opts.nowMs()));

  app.post<{ Params: { operation: string } }>('/:operation', async (request, reply) => {
    const name = request.params.operation;
    const op = ops.get(name);
    if (!op) {
      // A ValidationException, not AccessDenied: the call is understood and refused by the sandbox, not by IAM.
      if (NOT_EMULATED.has(name)) throw IvsApiError.notEmulated(name);
      throw IvsApiError.unknownOperation(name);
    }
    const body = parseJsonBody(request);
    const result = await op(body, requestOrigin(request));
    return sendJson(reply, request, 200, result);
  });

  app.get<{ Params: { resourceArn: string } }>('/tags/:resourceArn', async (request, reply) =>
    sendJson(reply, request, 200, opts.store.listTagsForResource(parseInput(S.ListTagsInput, { resourceArn: request.params.resourceArn }))),
  );
  app.post<{ Params: { resourceArn: string } }>('/tags/:resourceArn', async (request, reply) => {
    const body = parseJsonBody(request);
    const input = parseInput(S.TagResourceInput, { ...body, resourceArn: request.params.resourceArn });
    return sendJson(reply, request, 200, opts.store.tagResource(input));
  });
  app.delete<{ Params: { resourceArn: string }; Querystring: { tagKeys?: string | string[] } }>('/tags/:resourceArn', async (request, reply) => {
    const raw = request.query.tagKeys;
    const tagKeys = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const input = parseInput(S.UntagResourceInput, { resourceArn: request.params.resourceArn, tagKeys });
    return sendJson(reply, request, 200, opts.store.untagResource(input));
  });
}

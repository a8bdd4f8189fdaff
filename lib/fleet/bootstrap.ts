/**
 * The fleet container's whole program before the worker exists: `node -e BOOTSTRAP_JS`. The image is a stock
 * Node.js image (nothing is built with Docker here), which has neither the AWS CLI nor the SDK, so this fetches the
 * task role's credentials from the ECS credentials endpoint, signs one S3 GET with SigV4 (node:crypto), writes the
 * worker bundle to the temporary directory and imports it. Plain CommonJS, dependency-free, small enough for a task definition.
 *
 * Credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` under http://169.254.170.2 as ECS sets it, or the SDKs' other
 * standard variable `AWS_CONTAINER_CREDENTIALS_FULL_URI`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html). The signature follows
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (header-based, empty payload).
 */
export const BOOTSTRAP_JS = String.raw`
const crypto = require('node:crypto');
const fs = require('node:fs');
const { pathToFileURL } = require('node:url');
const fail = (m) => { process.stderr.write('fleet bootstrap: ' + m + '\n'); process.exit(70); };
(async () => {
  const env = process.env;
  if (!env.WORKER_BUNDLE_URL || !env.AWS_REGION) fail('WORKER_BUNDLE_URL and AWS_REGION must be set');
  const credUrl = env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
    (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? 'http://169.254.170.2' + env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI : '');
  if (!credUrl) fail('no container credentials endpoint (is the task role set?)');
  const credRes = await fetch(credUrl, { signal: AbortSignal.timeout(10000) });
  if (!credRes.ok) fail('credentials endpoint answered ' + credRes.status);
  const c = await credRes.json();
  const url = new URL(env.WORKER_BUNDLE_URL);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const sha = (d) => crypto.createHash('sha256').update(d).digest('hex');
  const hmac = (k, d) => crypto.createHmac('sha256', k).update(d).digest();
  const empty = sha('');
  const headers = { host: url.host, 'x-amz-content-sha256': empty, 'x-amz-date': amzDate };
  if (c.Token) headers['x-amz-security-token'] = c.Token;
  const names = Object.keys(headers).sort();
  const canonical = ['GET', url.pathname, '', ...names.map((n) => n + ':' + headers[n]), '', names.join(';'), empty].join('\n');
  const scope = day + '/' + env.AWS_REGION + '/s3/aws4_request';
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + c.SecretAccessKey, day), env.AWS_REGION), 's3'), 'aws4_request');
  const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
  const auth = 'AWS4-HMAC-SHA256 Credential=' + c.AccessKeyId + '/' + scope + ', SignedHeaders=' + names.join(';') + ', Signature=' + signature;
  const { host, ...sent } = headers;
  const res = await fetch(url, { headers: { ...sent, authorization: auth }, signal: AbortSignal.timeout(60000) });
  if (!res.ok) fail('GET worker bundle answered ' + res.status + ': ' + (await res.text()).slice(0, 300));
  const file = require('node:path').join(require('node:os').tmpdir(), 'ivs-load-worker-' + process.pid + '.mjs');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  await import(pathToFileURL(file).href);
})().catch((e) => fail(e && e.message ? e.message : String(e)));
`;

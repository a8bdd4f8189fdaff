import path from 'node:path';
import { AssetHashType, BundlingOutput, DockerImage } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { buildSync } from 'esbuild';
import { Construct } from 'constructs';
import { REPO_ROOT, repoPath } from '../defaults.js';

/** The worker's entry point, relative to the repository root. */
const WORKER_ENTRY = 'bench/fleet/worker-main.ts';
export const WORKER_FILE = 'worker.mjs';

/**
 * Bundles the worker (the subscriber code, the self-signed minter and the AWS SDK clients it uses) into one ESM file
 * with esbuild, the way the Lambda functions are bundled: local esbuild, never Docker. Returns false (CDK then fails
 * the synth with its own message) only if esbuild throws, which it reports on stderr.
 */
export function bundleWorker(outputDir: string): boolean {
  buildSync({
    entryPoints: [repoPath(WORKER_ENTRY)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Some dependencies still call `require` for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    minify: true,
    sourcemap: 'inline',
    sourcesContent: false,
    outfile: path.join(outputDir, WORKER_FILE),
    logLevel: 'error',
  });
  return true;
}

/**
 * The worker bundle as one S3 object (a single .mjs file, not a zip: the container has no unzip), uploaded by
 * `cdk deploy` to the CDK assets bucket. Its hash is the bundle's own, so an unchanged worker is not re-uploaded.
 */
export class FleetWorkerBundle extends Construct {
  public readonly asset: Asset;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.asset = new Asset(this, 'Asset', {
      path: repoPath('bench', 'fleet'),
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling below always succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        outputType: BundlingOutput.SINGLE_FILE,
        local: { tryBundle: (outputDir) => bundleWorker(outputDir) },
      },
    });
  }
}

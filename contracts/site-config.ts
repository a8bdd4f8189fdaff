/** The site's config.json: how one static build of the pages finds its backend. */
import { VIEWER_ACCESS_MODES } from './token-api.js';
import * as z from './zod.js';

/**
 * config.json, written next to the pages at deploy time (CDK) or served by the sandbox, so one static build works
 * everywhere. Absent (GitHub Pages, file server) means "paste a token" mode.
 */
export const SiteConfig = z.object({
  backend: z.enum(['aws', 'sandbox']),
  /** Token API base URL without trailing slash. */
  apiUrl: z.optional(z.url()),
  region: z.optional(z.string()),
  stageArn: z.optional(z.string()),
  viewerAccess: z._default(z.enum(VIEWER_ACCESS_MODES), 'public'),
  /** Sandbox on loopback only: the dev identity's bearer, the stand-in for a Cognito sign-in. Never set on AWS. */
  sandboxBearer: z.optional(z.string()),
  cognito: z.optional(
    z.object({
      domain: z.url(),
      clientId: z.string(),
    }),
  ),
});
export type SiteConfig = z.infer<typeof SiteConfig>;

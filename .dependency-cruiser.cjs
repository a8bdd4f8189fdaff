/**
 * Which tree may import which (docs: `npm test` runs `depcruise` with this file). Product code is bin/ lib/ lambda/
 * local/ web/; contracts/ is the one home of the wire contracts every tree shares; testkit/ is the Node WebRTC
 * client, Chromium and sandbox launchers that bench/ and test/ share.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'web-imports-no-backend',
      comment: 'web/ is the browser bundle: it shares contracts through contracts/, never imports local/, lambda/ or lib/.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(local|lambda|lib)/' },
    },
    {
      name: 'nothing-imports-bench',
      comment: 'bench/ is a tool on top of the product and the test kit; product code and test/ never depend on it.',
      severity: 'error',
      from: { path: '^(bin|lib|lambda|local|web|contracts|test|testkit)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'shared-imports-no-token',
      comment: 'lambda/shared is used by every handler; the token handler builds on it, not the other way round.',
      severity: 'error',
      from: { path: '^lambda/shared/' },
      to: { path: '^lambda/token/' },
    },
    {
      name: 'contracts-import-nothing-of-ours',
      comment: 'contracts/ is imported by every tree and imports none of them.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(bin|lib|lambda|local|web|test|bench|testkit)/' },
    },
    {
      name: 'testkit-imports-no-tests',
      comment: 'bench/ and test/ both build on testkit/; it depends on neither.',
      severity: 'error',
      from: { path: '^testkit/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|web/dist|bench/results)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};

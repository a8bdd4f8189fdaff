// ESM TypeScript through ts-jest; type checking is done once by `tsc --noEmit` in `npm test`, so transpile only here.
// Tiers (each runnable alone: `npm run test:unit`, test:cdk, test:local, test:e2e, test:soak); `npm test` runs all.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  testEnvironment: 'node',
};
/** Long-running checks: the 200-cycle leak test, the 200-subscriber light crowd and the bench smoke run. */
const SOAK = [
  '<rootDir>/test/local/media-cycles.test.ts',
  '<rootDir>/test/local/light-crowd.test.ts',
  '<rootDir>/bench/test/smoke.test.ts',
];
/** Bench tests that start a sandbox and processes belong to the local tier, not the fast unit one. */
const BENCH_LOCAL = '<rootDir>/bench/test/local/**/*.test.ts';

/** @type {import('jest').Config} */
export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/{lambda,web,testkit,ops}/**/*.test.ts', '<rootDir>/bench/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/bench/test/local/', ...SOAK.map((p) => p.replace('<rootDir>', ''))],
    },
    { ...common, displayName: 'cdk', testMatch: ['<rootDir>/test/cdk/**/*.test.ts'] },
    {
      ...common,
      displayName: 'local',
      testMatch: ['<rootDir>/test/local/**/*.test.ts', BENCH_LOCAL],
      testPathIgnorePatterns: ['/node_modules/', ...SOAK.map((p) => p.replace('<rootDir>', ''))],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // web/ is built once per run, not once per page-test file.
      globalSetup: '<rootDir>/test/e2e/setup/build-web.mjs',
      globalTeardown: '<rootDir>/test/e2e/setup/remove-web.mjs',
    },
    { ...common, displayName: 'soak', testMatch: SOAK },
  ],
  testTimeout: 30000,
};

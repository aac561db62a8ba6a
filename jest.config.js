/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  modulePathIgnorePatterns: ['<rootDir>/lib/', '<rootDir>/dist/'],
  // Tests that run the real CLI process need lib/ built from the current sources.
  globalSetup: '<rootDir>/test/global-setup.js',
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/tools/'],
    },
    // Tests that run the toolchain's binaries (helm, kustomize, actionlint), without clusters.
    { ...shared, displayName: 'tools', testMatch: ['<rootDir>/test/tools/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};

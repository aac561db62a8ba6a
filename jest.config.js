/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
    // @kubernetes/client-node and the modules it imports are ES modules only; jest's CommonJS
    // runtime gets them compiled to CommonJS (Node itself loads them with require()).
    '^.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose|socks-proxy-agent|agent-base)/)'],
  modulePathIgnorePatterns: ['<rootDir>/lib/', '<rootDir>/dist/'],
  // The examples import the package by name; tests run them on the sources, not on lib/.
  moduleNameMapper: {
    '^fleetwright$': '<rootDir>/src/index.ts',
    '^fleetwright/(pulumi|testing)$': '<rootDir>/src/$1/index.ts',
  },
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

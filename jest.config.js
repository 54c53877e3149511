// Three kinds of test, selectable with --selectProjects:
// - unit: `*.spec.ts` beside the code, no servers;
// - integration: `*.integration-spec.ts`, one app or library against the real
//   PostgreSQL, NATS and Redis named by the environment;
// - e2e: `test/**/*.e2e-spec.ts`, the whole stack driven through the gateway.
const fs = require('node:fs');

const swcOptions = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcOptions.$schema;

const shared = {
  rootDir: __dirname,
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcOptions],
    // jose 6 ships only ES modules, which Jest's CommonJS runtime cannot require on Node 20.
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', swcOptions],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^@confer/([^/]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/src/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.integration-spec.ts'],
      globals: { __CONFER_TEST_KIND__: 'integration' },
      globalSetup: '<rootDir>/libs/testing/jest/servers-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/jest/servers-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/jest/slow-test-timeout.js'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globals: { __CONFER_TEST_KIND__: 'e2e' },
      // One stack for the whole e2e run, started before the first spec.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/jest/slow-test-timeout.js'],
    },
  ],
};

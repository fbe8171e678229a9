/** Jest: @swc/jest with legacy decorators + decorator metadata (type-graphql needs both). */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
module.exports = {
  testEnvironment: '<rootDir>/test/support/jest-environment.js',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['reflect-metadata'],
  // 2 cores, often shared: the heaviest integration tests (training runs) take a few times their
  // idle time under load; a hang still fails, after 3 minutes.
  testTimeout: 180000,
};

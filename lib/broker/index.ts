/**
 * goto-token-runner's broker: what an app's server code imports (`goto-token-runner/broker`)
 * to get GoTo's access token from the shared grant store. Nothing of Playwright is in its
 * import graph (tests/self-test/broker-package.spec.ts installs the packed project into an app
 * without Playwright and calls it).
 */
export {
  createGrantBroker,
  GrantBroker,
  rejectsAccessToken,
  type AccessTokenRequest,
  type BrokerToken,
  type GrantBrokerOptions,
} from './grant-broker';
export {
  ConfigError,
  GrantHolderError,
  GrantStoreError,
  GotoRunnerError,
  ApiStatusError,
  ApiNetworkError,
  isGotoRunnerError,
  type KnownError,
} from '../errors';

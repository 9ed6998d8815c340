export { eventually, nextEvent } from '@defi-realtime/client/testing';
export { closeAfterAll, closeAfterEach, sleep, START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';

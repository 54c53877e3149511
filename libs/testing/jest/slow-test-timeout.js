// Tests against real servers (integration) and the whole stack (e2e) take
// longer than Jest's five-second default; a project-level testTimeout is not
// honoured for projects, so each such project sets it here.
const seconds = { integration: 60, e2e: 180 }[globalThis.__CONFER_TEST_KIND__] ?? 60;
jest.setTimeout(seconds * 1000);

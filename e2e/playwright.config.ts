import { defineConfig } from '@playwright/test';

// The server under test is the real `plumbline serve` binary on a fresh embedded store,
// started by Playwright; scripts/test.sh builds it and the app first and passes their paths.
const port = Number(process.env.PLUMBLINE_E2E_PORT ?? 18080);
const bin = process.env.PLUMBLINE_BIN ?? '../target/debug/plumbline';
const appDir = process.env.PLUMBLINE_APP_DIR ?? '../dist';
const dataDir = process.env.PLUMBLINE_E2E_DATA ?? 'test-results/store';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  // The CRM import adds thousands of opportunities to the firm: it runs after every other
  // journey so theirs see the demo firm as generated.
  projects: [
    { name: 'journeys', testIgnore: /admin-import-crm/ },
    { name: 'data-load', testMatch: /admin-import-crm/, dependencies: ['journeys'] },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Never let Playwright download a browser: it cannot here, and Debian's is the one we test.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `${bin} serve --port ${port} --data-dir ${dataDir} --app-dir ${appDir}`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});

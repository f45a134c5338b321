import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { api, persona, signIn, token } from './session';

// The real public CRM sample (../shared beside the checkout) imported through the SPA with the
// project's column mapping. It adds thousands of opportunities, so playwright.config.ts runs
// this file after every other journey.
const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'crm-sales-opportunities', 'sales_pipeline.csv');
const MAPPING = path.resolve(ROOT, 'examples', 'imports', 'crm-sales-opportunities.mapping.json');

test('admin imports the CRM sample through its mapping, and sending it again changes nothing', async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const admin = await persona(request, (p) => p.role === 'admin');
  const bearer = await token(request, admin);
  const before = await api<any>(request, bearer, '/audit/verify');
  await signIn(page, admin);
  await expect(page).toHaveURL(/\/imports$/);

  const upload = async () => {
    await page.getByLabel('What the file holds').selectOption('opportunities');
    await page.getByLabel(/^File/).setInputFiles(DATA);
    await page.getByLabel(/^Column mapping/).setInputFiles(MAPPING);
    await page.getByRole('button', { name: 'Import' }).click();
  };

  await upload();
  // While it runs: a progress bar of records applied, moving towards the file's total.
  const progress = page.getByTestId('import-progress');
  await expect(progress).toContainText(/\d+ of \d+ records applied/, { timeout: 60_000 });
  await expect(progress.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('max', /^\d+$/);
  const done = page.getByTestId('import-done');
  await expect(done).toBeVisible({ timeout: 150_000 });
  await expect(done).toContainText('Imported');
  await expect(done).toContainText('sales_pipeline.csv');
  await expect(done).toContainText('8800');
  await expect(done).toContainText('7212');
  await expect(progress).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('admin-import-crm-done.png'), fullPage: true });
  const after = await api<any>(request, bearer, '/audit/verify');
  expect(after.ok).toBeTruthy();
  expect(after.records).toBeGreaterThan(before.records);

  await page.reload();
  await upload();
  await expect(page.getByTestId('import-done')).toContainText('Already imported: nothing changed', { timeout: 150_000 });
  const again = await api<any>(request, bearer, '/audit/verify');
  expect(again.records).toBe(after.records);
});

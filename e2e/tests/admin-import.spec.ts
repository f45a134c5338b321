import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { api, persona, signIn, token } from './session';

// An admin imports a CRM export with bad rows: the whole file is refused, every problem is
// listed at its row and column, and nothing was written (the audit log did not move).
const BAD = [
  'Id,AccountId,OwnerId,Name,StageName,Amount,CloseDate,Probability,ForecastCategoryName,CreatedDate,LastModifiedDate,CurrencyIsoCode',
  '006E1,C00018,P0015,Fine,Prospecting,1000,2026-12-31,10,Pipeline,2026-09-01T09:30:00.000+0000,,GBP',
  '006E2,C00018,P0015,Bad date,Prospecting,1000,2026-02-30,10,Pipeline,2026-01-01T00:00:00Z,,GBP',
  '006E1,C00018,P0015,Duplicate,Prospecting,1000,2026-12-31,10,Pipeline,2026-09-01T09:30:00Z,,GBP',
  '006E4,C00018,P0015,Separator,Prospecting,"1,000",2026-12-31,10,Pipeline,2026-09-01T09:30:00Z,,GBP',
  '006E5,C00018,P0015,Unknown stage,Discovery,1000,2026-12-31,10,Pipeline,2026-09-01T09:30:00Z,,GBP',
].join('\n');

test('admin imports a bad file and sees every problem at its row', async ({ page, request }, testInfo) => {
  const admin = await persona(request, (p) => p.role === 'admin');
  const bearer = await token(request, admin);
  const before = await api<any>(request, bearer, '/audit?limit=500');
  await signIn(page, admin);
  await expect(page).toHaveURL(/\/imports$/);
  await page.getByLabel('What the file holds').selectOption('opportunities');
  await page.getByLabel(/^File/).setInputFiles({ name: 'crm-export.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
  await page.getByRole('button', { name: 'Import' }).click();

  const problems = page.getByTestId('import-problems');
  await expect(problems).toBeVisible();
  // Finished: the progress bar has given way to the problems.
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(problems).toContainText('crm-export.csv was rejected');
  await expect(problems).toContainText('nothing was written');
  const rows = page.getByTestId('import-problem');
  await expect(rows.filter({ hasText: 'CloseDate' })).toHaveAttribute('data-row', '3');
  await expect(rows.filter({ hasText: '2026-02-30' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'StageName' })).toHaveAttribute('data-row', '6');
  expect(await rows.count()).toBeGreaterThanOrEqual(4);
  await page.screenshot({ path: testInfo.outputPath('admin-import-problems.png'), fullPage: true });

  const after = await api<any>(request, bearer, '/audit?limit=500');
  expect(after.items.length).toBe(before.items.length);

  // Through the API: accepted at once as a job, which ends rejected with the same problems.
  const accepted = await request.post('/api/imports/opportunities', {
    headers: { Authorization: `Bearer ${bearer}` },
    data: { file_name: 'crm-export.csv', content: BAD },
  });
  expect(accepted.status()).toBe(202);
  const job = await accepted.json();
  await expect.poll(async () => (await api<any>(request, bearer, `/imports/jobs/${job.id}`)).rejected?.reason).toBe('invalid');
  const finished = await api<any>(request, bearer, `/imports/jobs/${job.id}`);
  expect(finished.report).toBeUndefined();
  expect(finished.rejected.problems.map((p: any) => p.row)).toContain(3);
  const still = await api<any>(request, bearer, '/audit?limit=500');
  expect(still.items.length).toBe(before.items.length);

  // A plan document (JSON) through the same page: the engine's validation refuses it at the
  // JSON path of the bad rate, and nothing is written either.
  const plan = fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'comp-batch', 'plan.json'), 'utf8');
  const badPlan = plan.replace('{ "up_to": "0.5", "rate": "0.02" }', '{ "up_to": "0.5", "rate": "1.5" }');
  expect(badPlan).not.toBe(plan);
  await page.getByLabel('What the file holds').selectOption('plans');
  await page.getByLabel(/^File/).setInputFiles({ name: 'plan.json', mimeType: 'application/json', buffer: Buffer.from(badPlan) });
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(problems).toContainText('plan.json was rejected');
  await expect(rows.filter({ hasText: 'components[0].tiers[0].rate' })).toHaveCount(1);
  const unchanged = await api<any>(request, bearer, '/audit?limit=500');
  expect(unchanged.items.length).toBe(before.items.length);
});

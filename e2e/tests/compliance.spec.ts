import { test, expect, type APIRequestContext } from '@playwright/test';
import { api, persona, signIn, token } from './session';
import { toCents } from './money';

// Compliance reviews the firm's conduct events with their pay effects (as the API computes them
// from the regulated statements), filters them by kind and person (kept in the address across a
// reload), and proposes a malus, refused at the field until the amount is negative; the
// proposal then shows in the audit log, whose hash chain verifies.
test('compliance reviews the firm-wide conduct list, proposes a malus and finds it in the verified audit log', async ({ page, request }, testInfo) => {
  const officer = await persona(request, (p) => p.role === 'compliance');
  const rep = await persona(request, (p) => p.role === 'rep' && p.division === 'wealth');
  await signIn(page, officer);
  await expect(page).toHaveURL(/\/conduct$/);
  const bearer = await token(request, officer);
  const all = (await api<any>(request, bearer, '/conduct?limit=500')).items;
  const rows = page.getByTestId('conduct-row');
  await expect(rows).toHaveCount(all.length, { timeout: 30_000 });
  const effect = all.find((e: any) => e.pay_effect && toCents(e.pay_effect.total) !== 0n);
  expect(effect, 'some event reduced regulated pay').toBeTruthy();
  const cell = page.locator(`[data-event="${effect.event.id}"]`).getByTestId('pay-effect');
  expect(toCents((await cell.locator('[data-amount]').getAttribute('data-amount'))!)).toBe(toCents(effect.pay_effect.total));
  await page.screenshot({ path: testInfo.outputPath('compliance-conduct-list.png'), fullPage: true });

  await page.getByLabel('Kind').selectOption('overdue_training');
  await expect(page).toHaveURL(/kind=overdue_training/);
  const training = all.filter((e: any) => e.event.kind === 'overdue_training');
  await expect(rows).toHaveCount(training.length);
  await page.reload();
  await expect(page.getByLabel('Kind')).toHaveValue('overdue_training');
  await expect(rows).toHaveCount(training.length);
  await page.getByLabel('Kind').selectOption('');

  await page.getByLabel('Person').selectOption(rep.person_id);
  await expect(page).toHaveURL(new RegExp(`person=${rep.person_id}`));
  await expect(rows).toHaveCount(all.filter((e: any) => e.event.person_id === rep.person_id).length);
  await expect(page.getByRole('table', { name: 'Conduct events' }).or(page.getByText('No conduct events recorded.'))).toBeVisible();

  await page.getByLabel(/Plan component id/).fill('fee-revenue');
  await page.getByLabel(/Statement month/).fill('2026-10');
  await page.getByLabel('Amount (negative)').fill('500');
  await page.getByLabel('Reason').fill('Upheld complaint: file review failure');
  await page.getByRole('button', { name: 'Propose' }).click();
  await expect(page.getByLabel('Amount (negative)')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Amount (negative)').fill('-500.00');
  await page.getByRole('button', { name: 'Propose' }).click();
  const done = page.getByRole('status').filter({ hasText: 'Proposed as' });
  await expect(done).toBeVisible();
  const id = await done.locator('code').innerText();
  await page.screenshot({ path: testInfo.outputPath('compliance-malus.png'), fullPage: true });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  // Newest first: the first row is the chain's head (the proposal just made is on this page),
  // "Older" pages down with the page in the address (a reload keeps it), "Newer" comes back.
  const audit = page.getByTestId('audit-row');
  await expect(page.locator('[data-testid="audit-row"]', { hasText: `proposal/${id}` }).first()).toBeVisible();
  await expect(audit.first()).toContainText(`proposal/${id}`);
  // A log longer than two pages: a manager edits a review of a report 200 times (each audited).
  await editReviewRepeatedly(request, 200);
  await page.reload();
  const auditor = await token(request, officer);
  const head = (await api<any>(request, auditor, '/audit?order=newest&limit=1')).items[0].seq;
  expect(head).toBeGreaterThan(100);
  await expect(audit.first()).toHaveAttribute('data-seq', String(head));
  await expect(audit).toHaveCount(100);
  await expect(audit.last()).toHaveAttribute('data-seq', String(head - 99));
  await page.getByRole('link', { name: 'Older' }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?before=${head - 99}$`));
  await expect(audit.first()).toHaveAttribute('data-seq', String(head - 100));
  await page.reload();
  await expect(audit.first()).toHaveAttribute('data-seq', String(head - 100));
  await expect(audit.last()).toHaveAttribute('data-seq', String(head - 199));
  await page.getByRole('link', { name: 'Newer' }).click();
  await expect(audit.first()).toHaveAttribute('data-seq', String(head));
  await expect(page.getByRole('link', { name: 'Newer' })).toHaveCount(0);
  // "Verify chain" checks every record, not the page shown.
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('intact');
  await expect(page.getByTestId('verify-result').locator('[data-records]')).toHaveAttribute('data-records', String(head));
});

/** Saves a review of one of the wealth manager's reports and edits it `times` times. */
async function editReviewRepeatedly(request: APIRequestContext, times: number): Promise<void> {
  const manager = await persona(request, (p) => p.role === 'manager' && p.division === 'wealth');
  const headers = { Authorization: `Bearer ${await token(request, manager)}` };
  const org = await api<any>(request, headers.Authorization.slice(7), '/org');
  const reports = org.people.filter((n: any) => n.manager_id === manager.person_id && n.role === 'rep');
  const person = reports[reports.length - 1].person_id;
  const draft = await api<any>(request, headers.Authorization.slice(7), `/coach/reviews/${person}/draft`);
  const sections = draft.sections.map((s: any) => ({ key: s.key, text: s.text }));
  const saved = await request.post(`/api/coach/reviews/${person}`, { headers, data: { from: draft.period.from, to: draft.period.to, sections } });
  expect(saved.ok()).toBeTruthy();
  let review = await saved.json();
  for (let i = 1; i <= times; i++) {
    const edit = { version: review.version, sections: [{ key: 'focus', text: `Check-in ${i}` }], reason: `check-in ${i}` };
    const response = await request.put(`/api/coach/reviews/${person}/${review.id}`, { headers, data: edit });
    expect(response.ok()).toBeTruthy();
    review = await response.json();
  }
}

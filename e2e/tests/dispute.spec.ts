import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';

// A rep questions a statement line; it reaches their manager, who resolves it with an
// explanation; the rep's performance page lists it as resolved.
test('rep disputes a statement line and the manager resolves it', async ({ browser, request }, testInfo) => {
  const rep = await persona(request, (p) => p.role === 'rep' && p.division === 'wealth');
  const me = await api<any>(request, await token(request, rep), `/people/${rep.person_id}`);
  const manager = await persona(request, (p) => p.person_id === me.manager_id);

  const repPage = await browser.newPage();
  await signIn(repPage, rep);
  await expect(repPage).toHaveURL(/\/statement/);
  const line = repPage.getByTestId('statement-line').first();
  await line.getByText('Question this line').click();
  const comment = `Fee from C00018 missing (e2e ${Date.now()})`;
  await line.getByLabel('What looks wrong?').fill(comment);
  await line.getByRole('button', { name: 'Send to my manager' }).click();
  await expect(line.getByRole('status')).toContainText('Sent to your manager');
  await repPage.screenshot({ path: testInfo.outputPath('rep-dispute-sent.png'), fullPage: true });

  const managerPage = await browser.newPage();
  await signIn(managerPage, manager);
  await managerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Disputes' }).click();
  const card = managerPage.getByTestId('dispute').filter({ hasText: comment });
  await expect(card).toBeVisible();
  await card.getByLabel('Explanation or reason').fill('The fee was booked on 2 December; it pays next month.');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await expect(managerPage.getByTestId('dispute').filter({ hasText: comment })).toContainText('Resolved');
  await expect(managerPage.getByTestId('dispute').filter({ hasText: comment }).getByTestId('resolution'))
    .toHaveText('Explained: The fee was booked on 2 December; it pays next month.');
  await managerPage.screenshot({ path: testInfo.outputPath('manager-dispute-resolved.png'), fullPage: true });

  await repPage.goto('/performance');
  await expect(repPage.getByRole('row', { name: new RegExp(comment.replace(/[()]/g, '.')) })).toContainText('Resolved');
});

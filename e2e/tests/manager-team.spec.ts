import { test, expect } from '@playwright/test';
import { api, persona, signIn, token } from './session';
import { toCents } from './money';

// A manager's team table comes from each report's statement; drilling into a member shows that
// member's performance at its own address, which survives a reload.
test('manager sees the team table and drills into a member', async ({ page, request }, testInfo) => {
  const manager = await persona(request, (p) => p.role === 'manager' && p.division === 'wealth');
  await signIn(page, manager);
  await expect(page).toHaveURL(/\/team$/);
  const rows = page.getByTestId('team-row');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('coach-messages').or(page.getByText('Nobody needs an intervention this week.'))).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('manager-team.png'), fullPage: true });

  const first = rows.first().getByRole('link');
  const name = await first.innerText();
  await first.click();
  await expect(page).toHaveURL(/\/team\/[^/]+\/performance$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const person = page.url().split('/team/')[1].split('/')[0];
  const bearer = await token(request, manager);
  const server = await api<any>(request, bearer, `/statements/${person}`);
  await expect(page.getByTestId('period-total')).toHaveAttribute('data-amount', /.+/);
  expect(toCents((await page.getByTestId('period-total').getAttribute('data-amount'))!)).toBe(toCents(server.statement.total));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('manager-drill-in.png'), fullPage: true });
});

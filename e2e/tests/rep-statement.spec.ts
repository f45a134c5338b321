import { test, expect } from '@playwright/test';
import { toCents } from './money';

// Issue 2's thin slice: a demo rep signs in, opens the current statement, and the total the
// browser shows equals the API's to the cent; the lines shown add up to it.
test('a rep signs in and sees the statement total the API computes', async ({ page, request }, testInfo) => {
  const personas = await (await request.get('/api/auth/personas')).json();
  const rep = personas.find((p: { role: string; division: string }) => p.role === 'rep' && p.division === 'wealth');
  expect(rep, 'the demo firm has a wealth rep').toBeTruthy();

  await page.goto('/');
  await page.getByLabel(/find|filter|search/i).fill(rep.name);
  await page.getByTestId(`persona-${rep.person_id}`).click();
  await expect(page).toHaveURL(/\/statement/);

  const total = page.getByTestId('statement-total');
  await expect(total).toBeVisible();
  const shownAmount = await total.getAttribute('data-amount');
  const shownText = await total.innerText();

  const session = JSON.parse((await page.evaluate(() => localStorage.getItem('plumbline.session'))) ?? 'null');
  expect(session?.token, 'the app stored a token').toBeTruthy();
  const response = await request.get(`/api/statements/${rep.person_id}`, {
    headers: { Authorization: `Bearer ${session.token}` },
  });
  expect(response.ok()).toBeTruthy();
  const api = await response.json();

  expect(toCents(shownAmount!)).toBe(toCents(api.statement.total));
  expect(toCents(shownText)).toBe(toCents(api.statement.total));

  const lines = page.getByTestId('statement-line');
  await expect(lines).toHaveCount(api.statement.lines.length);
  const lineAmounts = await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-amount') ?? ''));
  expect(lineAmounts.reduce((sum, a) => sum + toCents(a), 0n)).toBe(toCents(api.statement.total));

  await page.screenshot({ path: testInfo.outputPath('rep-statement.png'), fullPage: true });
});

test('a rep cannot read another rep\'s statement through the API', async ({ request }) => {
  const personas = await (await request.get('/api/auth/personas')).json();
  const [me, other] = personas.filter((p: { role: string }) => p.role === 'rep');
  const { token } = await (await request.post('/api/auth/dev-token', { data: { person_id: me.person_id } })).json();
  const response = await request.get(`/api/statements/${other.person_id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status()).toBe(404);
  expect((await response.json()).code).toBe('not_found');
});

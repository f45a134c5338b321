import { test, expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';

// Issue 10: a deployed stack's app signs in through Cognito's hosted UI (authorization code +
// PKCE). Without AWS, Playwright plays Cognito: it serves the /config.json scripts/deploy.sh
// writes, answers the authorize page by sending the browser back with a code, and answers the
// token endpoint only when the code verifier hashes to the challenge the app sent. The access
// token it hands out is a real one from the local issuer, so the app's API calls are real.
const AUTH = 'https://plumbline-111122223333.auth.eu-west-2.amazoncognito.com';
const CLIENT_ID = '4tq1example';

async function deployedConfig(page: Page, redirectUri: string) {
  await page.route('**/config.json', (route) =>
    route.fulfill({
      json: { region: 'eu-west-2', userPoolId: 'eu-west-2_Example', clientId: CLIENT_ID, authDomain: AUTH, redirectUri },
    }),
  );
}

test('with a Cognito config the app signs in through the hosted UI with PKCE and signs out there', async ({
  page,
  request,
  baseURL,
}) => {
  const redirectUri = `${baseURL}/`;
  const personas = await (await request.get('/api/auth/personas')).json();
  const rep = personas.find((p: { role: string }) => p.role === 'rep');
  const { token } = await (await request.post('/api/auth/dev-token', { data: { person_id: rep.person_id } })).json();
  await deployedConfig(page, redirectUri);

  let authorize: URLSearchParams | undefined;
  await page.route(
    (url) => url.href.startsWith(`${AUTH}/oauth2/authorize?`),
    (route) => {
      authorize = new URL(route.request().url()).searchParams;
      const back = `${redirectUri}?code=code-123&state=${encodeURIComponent(authorize.get('state') ?? '')}`;
      return route.fulfill({ status: 302, headers: { location: back } });
    },
  );
  let exchange: URLSearchParams | undefined;
  await page.route(`${AUTH}/oauth2/token`, (route) => {
    exchange = new URLSearchParams(route.request().postData() ?? '');
    const verifier = exchange.get('code_verifier') ?? '';
    const pkce = createHash('sha256').update(verifier).digest('base64url') === authorize?.get('code_challenge');
    const cors = { 'access-control-allow-origin': '*' };
    return pkce && exchange.get('code') === 'code-123'
      ? route.fulfill({
          headers: cors,
          json: { id_token: 'id', access_token: token, refresh_token: 'r', expires_in: 3600, token_type: 'Bearer' },
        })
      : route.fulfill({ status: 400, headers: cors, json: { error: 'invalid_grant' } });
  });

  await page.goto('/');
  await expect(page.getByTestId('persona-' + rep.person_id)).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign in with your firm account' }).click();
  await expect(page).toHaveURL(/\/statement/);
  await expect(page.getByTestId('statement-total')).toBeVisible();
  expect(page.url(), 'the used code is not left in the address').not.toContain('code=');

  expect(Object.fromEntries(authorize!)).toMatchObject({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge_method: 'S256',
  });
  expect(authorize!.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(authorize!.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(Object.fromEntries(exchange!)).toMatchObject({
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
  });
  expect(exchange!.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // The firm's tokens live in this tab only.
  const [tab, shared] = await page.evaluate(() => [
    sessionStorage.getItem('plumbline.session'),
    localStorage.getItem('plumbline.session'),
  ]);
  expect(JSON.parse(tab ?? 'null')?.token).toBe(token);
  expect(shared).toBeNull();

  let logout: URLSearchParams | undefined;
  await page.route(
    (url) => url.href.startsWith(`${AUTH}/logout?`),
    (route) => {
      logout = new URL(route.request().url()).searchParams;
      return route.fulfill({ status: 302, headers: { location: logout.get('logout_uri') ?? '/' } });
    },
  );
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in with your firm account' })).toBeVisible();
  expect(Object.fromEntries(logout!)).toEqual({ client_id: CLIENT_ID, logout_uri: redirectUri });
  expect(await page.evaluate(() => sessionStorage.getItem('plumbline.session'))).toBeNull();
});

test('a sign-in answer this tab did not start is refused without asking for tokens', async ({ page, baseURL }) => {
  await deployedConfig(page, `${baseURL}/`);
  let tokenRequests = 0;
  await page.route(`${AUTH}/oauth2/token`, (route) => {
    tokenRequests += 1;
    return route.abort();
  });
  await page.goto('/?code=stolen&state=forged');
  await expect(page.getByRole('alert')).toContainText('does not match a sign-in started in this browser tab');
  await expect(page.getByRole('button', { name: 'Sign in with your firm account' })).toBeVisible();
  expect(tokenRequests).toBe(0);

  await page.goto('/?error=access_denied&error_description=User%20is%20disabled.');
  await expect(page.getByRole('alert')).toContainText('Your firm\'s sign-in did not complete: User is disabled.');
});

import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** A demo persona as `GET /api/auth/personas` lists them. */
export interface Persona {
  person_id: string;
  name: string;
  role: string;
  division: string | null;
  team: string | null;
}

/** The first persona matching `pick`. */
export async function persona(request: APIRequestContext, pick: (p: Persona) => boolean): Promise<Persona> {
  const all: Persona[] = await (await request.get('/api/auth/personas')).json();
  const found = all.find(pick);
  expect(found, 'the demo firm has such a person').toBeTruthy();
  return found!;
}

/** Signs in through the sign-in page, as a user would, and waits for the role's home page. */
export async function signIn(page: Page, who: Persona): Promise<void> {
  await page.goto('/');
  await page.getByLabel(/find a person/i).fill(who.name);
  await page.getByTestId(`persona-${who.person_id}`).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** A bearer token for `who`, for checking figures against the API. */
export async function token(request: APIRequestContext, who: Persona): Promise<string> {
  const response = await request.post('/api/auth/dev-token', { data: { person_id: who.person_id } });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).token;
}

/** GET an API path as `bearer`, expecting success. */
export async function api<T>(request: APIRequestContext, bearer: string, path: string): Promise<T> {
  const response = await request.get(`/api${path}`, { headers: { Authorization: `Bearer ${bearer}` } });
  expect(response.ok(), `GET /api${path}: ${response.status()}`).toBeTruthy();
  return response.json();
}

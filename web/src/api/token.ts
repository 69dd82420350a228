// The access token lives in this tab's sessionStorage only (as GraphiQL keeps it, under the
// same key): closing the tab or signing out forgets it, and it never reaches localStorage.
const KEY = "incident-graph:token";

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

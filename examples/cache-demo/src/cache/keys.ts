// Key builders shared by every module that touches Redis.
export const USER_NS = "user";

export function userKey(id: string): string {
  return `${USER_NS}:${id}`;
}

export function sessionKey(token: string): string {
  return `session:${token}`;
}

export const ONE_HOUR_S = 60 * 60;

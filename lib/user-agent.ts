/**
 * The client a request came from, read from the Rocket.Chat apps' User-Agent:
 * `RC Mobile; <os> <osVersion>; v<appVersion> (<build>)`. The React Native app sends it with
 * `Platform.OS` (`ios`, `android`); the native notification code that calls push.get writes
 * `iOS` (the iOS notification service extension) or `android`; Rocket.Chat's own statistics parse
 * the same shape. Anything else is `other`. The platform is a metric dimension, so it has three
 * values only; the version goes to log lines, bounded in length.
 */
export type Platform = 'ios' | 'android' | 'other';
export const PLATFORMS: readonly Platform[] = ['ios', 'android', 'other'];

export interface Client {
  platform: Platform;
  /** The app's version (`4.52.0`), when the User-Agent is the apps'. */
  version?: string;
}

const RC_MOBILE = /^RC Mobile; (ios|android) [^;]{0,40}; v([0-9A-Za-z.+-]{1,40})(?: \(|$)/i;

export function clientOf(userAgent: string | undefined): Client {
  const match = userAgent === undefined ? null : RC_MOBILE.exec(userAgent);
  if (!match) return { platform: 'other' };
  return { platform: match[1]!.toLowerCase() as Platform, version: match[2] };
}

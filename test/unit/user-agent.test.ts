import { describe, expect, it } from 'vitest';
import { clientOf } from '../../lib/user-agent';

describe('clientOf: the Rocket.Chat apps’ User-Agent', () => {
  it.each([
    ['RC Mobile; ios 17.2; v4.52.0 (1234)', 'ios', '4.52.0'], // React Native (Platform.OS)
    ['RC Mobile; iOS 18.1; v4.52.0 (999)', 'ios', '4.52.0'], // the iOS notification service extension
    ['RC Mobile; android 14; v4.49.2 (2023080386)', 'android', '4.49.2'], // the Android notification code
    ['RC Mobile; Android 9; v3.4.0 (250)', 'android', '3.4.0'],
    ['RC Mobile; ios 12.2; v3.4.0-beta.1 (250)', 'ios', '3.4.0-beta.1'],
  ])('%s → %s %s', (userAgent, platform, version) => {
    expect(clientOf(userAgent)).toStrictEqual({ platform, version });
  });

  it.each([
    undefined,
    '',
    'curl/8.5.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Rocket.Chat/2.15.2 Electron/4.1.4',
    'RC Mobile; windows 11; v1.0.0 (1)',
    'RC Mobile; ios 17.2',
    `RC Mobile; ios 17.2; v${'9'.repeat(500)} (1)`,
    'xRC Mobile; ios 17.2; v4.52.0 (1)',
  ])('%s → other, no version', (userAgent) => {
    expect(clientOf(userAgent)).toStrictEqual({ platform: 'other' });
  });
});

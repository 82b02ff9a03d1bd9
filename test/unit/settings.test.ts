import { describe, it, expect } from 'vitest';
import { DEFAULT_SETTINGS, missingIdentitySettings, resolveSettings } from '../../lib/core/settings';

describe('resolveSettings: Assets_favicon_192', () => {
  it("is Rocket.Chat's default asset path when the setting is absent or unreadable", () => {
    for (const value of [undefined, null, 'images/x.png', {}, { url: 5 }, { url: '', defaultUrl: '' }]) {
      expect(resolveSettings({ Assets_favicon_192: value }).favicon192).toBe('images/logo/android-chrome-192x192.png');
    }
  });

  it('is the uploaded url when there is one, else the defaultUrl', () => {
    expect(resolveSettings({ Assets_favicon_192: { url: 'assets/favicon_192.png', defaultUrl: 'images/logo/android-chrome-192x192.png' } }).favicon192).toBe('assets/favicon_192.png');
    expect(resolveSettings({ Assets_favicon_192: { defaultUrl: 'images/logo/other-192.png' } }).favicon192).toBe('images/logo/other-192.png');
    expect(resolveSettings({ Assets_favicon_192: { url: '', defaultUrl: 'images/logo/other-192.png' } }).favicon192).toBe('images/logo/other-192.png');
  });

  it('leaves the other settings alone', () => {
    const { favicon192: _favicon, ...others } = resolveSettings({ Assets_favicon_192: { url: 'assets/f.png' } });
    const { favicon192: _default, ...defaults } = DEFAULT_SETTINGS;
    expect(others).toStrictEqual(defaults);
  });
});

describe('missingIdentitySettings', () => {
  it('is silent when uniqueID and Site_Url are both set', () => {
    expect(missingIdentitySettings({ uniqueID: 'U1', Site_Url: 'https://chat.example.com' })).toStrictEqual([]);
  });

  it('warns once for each one missing, empty or not a string, naming it and the consequence', () => {
    expect(missingIdentitySettings({})).toHaveLength(2);
    const [uniqueId] = missingIdentitySettings({ uniqueID: '', Site_Url: 'https://x' });
    expect(uniqueId).toMatch(/^setting uniqueID is missing: .*notId/);
    const [siteUrl] = missingIdentitySettings({ uniqueID: 'U1', Site_Url: 42 });
    expect(siteUrl).toMatch(/^setting Site_Url is missing: .*http:\/\/localhost:3000\//);
  });
});

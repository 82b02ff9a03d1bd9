/**
 * The Rocket.Chat settings push.get depends on, with Rocket.Chat's defaults. Only these are
 * imported (with DIAGNOSTIC_SETTING_IDS below); every other setting is skipped.
 */
export interface PushSettings {
  siteUrl: string;
  uniqueId: string;
  showUsernameRoom: boolean;
  showMessage: boolean;
  useRealName: boolean;
  allowSpecialCharsInRoomNames: boolean;
  loginExpirationDays: number;
  language: string;
  /** The `Assets_favicon_192` asset's path (or absolute URL): its `url` when uploaded, else its `defaultUrl`. */
  favicon192: string;
}

const SETTING_FIELDS = {
  Site_Url: 'siteUrl',
  uniqueID: 'uniqueId',
  Push_show_username_room: 'showUsernameRoom',
  Push_show_message: 'showMessage',
  UI_Use_Real_Name: 'useRealName',
  UI_Allow_room_names_with_special_chars: 'allowSpecialCharsInRoomNames',
  Accounts_LoginExpiration: 'loginExpirationDays',
  Language: 'language',
  Assets_favicon_192: 'favicon192',
} as const satisfies Record<string, keyof PushSettings>;

export type SettingId = keyof typeof SETTING_FIELDS;
export const SETTING_IDS = Object.keys(SETTING_FIELDS) as SettingId[];

/**
 * Settings push.get never reads but the import and the sync store, so that `npm run doctor` can
 * tell the operator why the phones never call push.get (Rocket.Chat sends the content itself).
 */
export const DIAGNOSTIC_SETTING_IDS = ['Push_request_content_from_server'] as const;
export type StoredSettingId = SettingId | (typeof DIAGNOSTIC_SETTING_IDS)[number];
/** Every setting the table holds: what the import keeps and the sync watches. */
export const STORED_SETTING_IDS: readonly StoredSettingId[] = [...SETTING_IDS, ...DIAGNOSTIC_SETTING_IDS];

export const DEFAULT_SETTINGS: Readonly<PushSettings> = {
  siteUrl: 'http://localhost:3000',
  uniqueId: '',
  showUsernameRoom: true,
  showMessage: true,
  useRealName: false,
  allowSpecialCharsInRoomNames: false,
  loginExpirationDays: 90,
  language: 'en',
  favicon192: 'images/logo/android-chrome-192x192.png',
};

export function isSettingId(id: string): id is SettingId {
  return Object.hasOwn(SETTING_FIELDS, id);
}

export function isStoredSettingId(id: string): id is StoredSettingId {
  return (STORED_SETTING_IDS as readonly string[]).includes(id);
}

/** Builds settings from stored values; a missing or mistyped value falls back to the default. */
export function resolveSettings(values: Partial<Record<SettingId, unknown>>): PushSettings {
  const settings: PushSettings = { ...DEFAULT_SETTINGS };
  for (const id of SETTING_IDS) {
    const field = SETTING_FIELDS[id];
    const value = id === 'Assets_favicon_192' ? assetPath(values[id]) : values[id];
    const fallback = DEFAULT_SETTINGS[field];
    if (typeof value === typeof fallback && value !== '') {
      (settings as unknown as Record<string, unknown>)[field] = value;
    }
  }
  // Rocket.Chat treats a non-positive expiration as "use the default".
  if (!(settings.loginExpirationDays > 0)) {
    settings.loginExpirationDays = DEFAULT_SETTINGS.loginExpirationDays;
  }
  return settings;
}

/**
 * Warnings for an export that lacks the settings only the deployment itself knows. Rocket.Chat
 * always has both; without them the answers differ from its own (a deliberate deviation: we warn
 * at import instead of hashing `"undefined|<rid>"`), so the operator must hear about it.
 */
export function missingIdentitySettings(values: Partial<Record<SettingId, unknown>>): string[] {
  const missing = (id: SettingId) => typeof values[id] !== 'string' || (values[id] as string).trim() === '';
  const warnings: string[] = [];
  if (missing('uniqueID')) {
    warnings.push('setting uniqueID is missing: every notId differs from the one Rocket.Chat sends, so Android cannot group or replace its notifications');
  }
  if (missing('Site_Url')) {
    warnings.push(`setting Site_Url is missing: payload.host falls back to ${DEFAULT_SETTINGS.siteUrl}/, and the apps send replies and look up credentials by that host`);
  }
  return warnings;
}

/** An asset setting's value is `{ url?, defaultUrl }`; Rocket.Chat serves `url || defaultUrl`. */
function assetPath(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const { url, defaultUrl } = value as { url?: unknown; defaultUrl?: unknown };
  return [url, defaultUrl].find((path): path is string => typeof path === 'string' && path !== '');
}

/**
 * Permissions the access rules check, and the roles that hold them when none were imported:
 * Rocket.Chat's own defaults (`apps/meteor/app/authorization/server/constant/permissions.ts`).
 * Rocket.Chat defines no `view-v-room`, so only `view-joined-room` opens a subscribed `v` room
 * unless an export grants it.
 */
export const DEFAULT_PERMISSIONS = {
  'view-c-room': ['admin', 'user', 'bot', 'app', 'anonymous'],
  'view-joined-room': ['guest', 'bot', 'app', 'anonymous'],
  'view-p-room': ['admin', 'user', 'anonymous', 'guest'],
  'view-d-room': ['admin', 'user', 'bot', 'app', 'guest'],
  'view-l-room': ['livechat-manager', 'livechat-monitor', 'livechat-agent', 'admin'],
  'view-v-room': [],
  'view-livechat-rooms': ['livechat-manager', 'livechat-monitor', 'admin'],
  'view-livechat-room-closed-by-another-agent': ['livechat-manager', 'livechat-monitor', 'admin'],
  'view-livechat-room-closed-same-department': ['livechat-manager', 'livechat-monitor', 'admin'],
} as const satisfies Record<string, readonly string[]>;

export type PermissionId = keyof typeof DEFAULT_PERMISSIONS;
export const PERMISSION_IDS = Object.keys(DEFAULT_PERMISSIONS) as PermissionId[];
export type Permissions = Record<PermissionId, readonly string[]>;

export function isPermissionId(id: string): id is PermissionId {
  return Object.hasOwn(DEFAULT_PERMISSIONS, id);
}

/** Imported role lists replace the defaults one permission at a time (an empty list is kept: nobody). */
export function resolvePermissions(roles: Partial<Record<PermissionId, readonly string[]>>): Permissions {
  return Object.fromEntries(PERMISSION_IDS.map((id) => [id, roles[id] ?? DEFAULT_PERMISSIONS[id]])) as Permissions;
}

export function hasPermission(userRoles: readonly string[], permission: PermissionId, permissions: Permissions): boolean {
  const holders = permissions[permission];
  return userRoles.some((role) => holders.includes(role));
}

/** `view-<t>-room` for the room's type; undefined for a type Rocket.Chat has no such permission for. */
export function roomViewPermission(t: string): PermissionId | undefined {
  const id = `view-${t}-room`;
  return isPermissionId(id) && id !== 'view-joined-room' ? id : undefined;
}

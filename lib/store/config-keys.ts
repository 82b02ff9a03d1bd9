/**
 * The configuration items push.get reads once per process and then caches (a minute by default):
 * the handler needs every setting and permission it depends on; the authorizer only the login
 * expiration. The store reads them; the bench's raw floor reads the very same keys.
 */
import { PERMISSION_IDS, SETTING_IDS } from '../settings';
import { keys } from './keys';

export const SETTING_KEYS = SETTING_IDS.map((id) => keys.setting(id));
export const PERMISSION_KEYS = PERMISSION_IDS.map((id) => keys.permission(id));
export const LOGIN_EXPIRATION_KEY = keys.setting('Accounts_LoginExpiration');

/**
 * The configuration items push.get reads: the handler caches every setting and permission it
 * depends on, and reads the configuration stamp with every request to see whether they changed;
 * the authorizer reads the login expiration with every token. The store reads them; the bench's
 * raw floor reads the very same keys.
 */
import { PERMISSION_IDS, SETTING_IDS } from '../settings';
import { keys } from './keys';

export const SETTING_KEYS = SETTING_IDS.map((id) => keys.setting(id));
export const PERMISSION_KEYS = PERMISSION_IDS.map((id) => keys.permission(id));
export const LOGIN_EXPIRATION_KEY = keys.setting('Accounts_LoginExpiration');
export const CONFIG_STAMP_KEY = keys.configStamp();
/** What the handler's first read of a process adds to its batch: the whole configuration and its stamp. */
export const COLD_CONFIG_KEYS = [...SETTING_KEYS, ...PERMISSION_KEYS, CONFIG_STAMP_KEY];
/** What every later read adds: the stamp alone. */
export const WARM_CONFIG_KEYS = [CONFIG_STAMP_KEY];

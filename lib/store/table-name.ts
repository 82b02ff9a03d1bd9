export const DEFAULT_TABLE_NAME = 'rocketchat-push';

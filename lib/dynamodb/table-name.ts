/** The table the local API serves and the import writes to when no `--table` or TABLE_NAME says otherwise. */
export const DEFAULT_TABLE_NAME = 'rocketchat-push';

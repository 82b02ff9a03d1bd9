/**
 * Rocket.Chat's notification id: a 31-multiplier string hash of `<uniqueID>|<rid>`, folded from
 * the last character to the first with 32-bit wrap-around. Android groups a room's notifications
 * by it, so it must match the server's exactly.
 */
export function notificationId(uniqueId: string, rid: string): number {
  const key = `${uniqueId}|${rid}`;
  let hash = 0;
  for (let i = key.length - 1; i >= 0; i--) {
    hash = (hash * 31 + key.charCodeAt(i)) | 0;
  }
  return hash;
}

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { notificationId } from '../../lib/core/notification/notid';

/** Rocket.Chat's PushNotification.hash, written out as the server has it. */
function rocketChatHash(str: string): number {
  let hash = 0;
  let i = str.length;
  while (i) {
    hash = (hash << 5) - hash + str.charCodeAt(--i);
    hash &= hash; // Convert to 32bit integer
  }
  return hash;
}

describe('notificationId', () => {
  it("gives the seed example's notId", () => {
    expect(notificationId('RcPushDemotdh59nL', 'iu7jtPAhvEeAS5tNq')).toBe(654494840);
  });

  it('hashes `<uniqueID>|<rid>` from the last character to the first', () => {
    // 'b' → 98; '|' → 98·31 + 124 = 3162; 'a' → 3162·31 + 97 = 98119 (a first-to-last fold gives 97159).
    expect(notificationId('a', 'b')).toBe(98119);
    expect(notificationId('', '')).toBe(124);
    expect(notificationId('b', 'a')).not.toBe(notificationId('a', 'b'));
  });

  it('wraps around to negative 32-bit integers', () => {
    // `RcPushDemotdh59nL|GENERAL` overflows 2^31 and lands on the negative side.
    expect(notificationId('RcPushDemotdh59nL', 'GENERAL')).toBe(-1762895560);
    expect(notificationId('zzzzz', '')).toBe(-628527362);
    expect(notificationId('zzzzz', '')).toBe(rocketChatHash('zzzzz|'));
    // Without the 32-bit fold the value would be far outside the int32 range.
    let unbounded = 0;
    for (const char of [...'RcPushDemotdh59nL|GENERAL'].reverse()) unbounded = unbounded * 31 + char.charCodeAt(0);
    expect(unbounded).toBeGreaterThan(2 ** 31);
  });

  it('stays a signed 32-bit integer and equals the Rocket.Chat loop for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 64 }), (uniqueId, rid) => {
        const value = notificationId(uniqueId, rid);
        expect(value).toBe(rocketChatHash(`${uniqueId}|${rid}`));
        expect(value).toBe(value | 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('equals the Rocket.Chat loop on long Meteor-style ids', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{17,40}$/), fc.stringMatching(/^[A-Za-z0-9]{17,34}$/), (uniqueId, rid) => {
        expect(notificationId(uniqueId, rid)).toBe(rocketChatHash(`${uniqueId}|${rid}`));
      }),
      { numRuns: 500 },
    );
  });

  it('is the same for every message of a room and differs between rooms', () => {
    expect(notificationId('RcPushDemotdh59nL', 'designRoomId00001')).toBe(notificationId('RcPushDemotdh59nL', 'designRoomId00001'));
    expect(notificationId('RcPushDemotdh59nL', 'designRoomId00001')).not.toBe(notificationId('RcPushDemotdh59nL', 'designRoomId00002'));
    expect(notificationId('otherServer', 'designRoomId00001')).not.toBe(notificationId('RcPushDemotdh59nL', 'designRoomId00001'));
  });
});

/**
 * The seed's example result (shared/spec), with the types its schema and the spec require:
 * `badge`, `priority` and `notId` are numbers and `success` a boolean.
 */
export const SEED_ANSWER = {
  data: {
    message: {
      _id: 'WkbwSntxt8D3jLp8G',
      rid: 'iu7jtPAhvEeAS5tNq',
      msg: 'fsfs',
      ts: '2021-10-22T14:29:23.581Z',
      u: { _id: 'd26x6zSkaPSe5gCyy', username: 'rodriq', name: 'Rodriq' },
      urls: [],
      mentions: [],
      channels: [],
      md: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: 'fsfs' }] }],
      _updatedAt: '2021-10-22T14:29:23.603Z',
    },
    notification: {
      from: 'push',
      badge: 2,
      sound: 'default',
      priority: 10,
      title: '#vb',
      text: 'rodriq: fsfs',
      payload: {
        host: 'http://localhost:3000/',
        messageId: 'WkbwSntxt8D3jLp8G',
        notificationType: 'message',
        rid: 'iu7jtPAhvEeAS5tNq',
        sender: { _id: 'd26x6zSkaPSe5gCyy', username: 'rodriq', name: 'Rodriq' },
        senderName: 'rodriq',
        type: 'c',
        name: 'vb',
      },
      userId: 'd26x6zSkaPSe5gCyy',
      notId: 654494840,
      gcm: { style: 'inbox', image: 'http://localhost:3000/images/logo/android-chrome-192x192.png' },
      apn: { category: 'MESSAGE' },
    },
  },
  success: true,
};

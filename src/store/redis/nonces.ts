// Signature nonces in Redis: SET NX PX is the atomic check-and-remember, and Redis forgets each nonce when its
// window has passed. There is no count cap as in memory (a nonce is recorded only after its signature verified,
// so only a holder of a private key can add them): Redis' own memory limit is the bound (docs/scaling.md).
import type { NonceOptions, NonceStore } from '../types.js';
import type { RedisConnection } from './connection.js';

export function redisNonces(redis: RedisConnection, keyPrefix: string, options: NonceOptions): NonceStore {
  return {
    async remember(nonce) {
      const set = await redis.run((client) => client.set(`${keyPrefix}nonce:${nonce}`, '1', 'PX', options.ttlMs, 'NX'));
      return set === 'OK' ? { result: 'new' } : { result: 'replayed' };
    },
  };
}

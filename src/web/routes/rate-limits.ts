/**
 * Per-route limits per client address (read by @fastify/rate-limit, which RATE_LIMIT=off leaves
 * unregistered). Signing is generous, because a campus or an office signs from one address; fraud
 * rules that flag rather than refuse come with the trust-and-safety work.
 */
export const signRateLimit = { rateLimit: { max: 120, timeWindow: '1 minute' } };
export const writeRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
/** Reports from readers: enough for someone who finds several bad petitions, not for flooding the queue. */
export const reportRateLimit = { rateLimit: { max: 10, timeWindow: '1 hour' } };

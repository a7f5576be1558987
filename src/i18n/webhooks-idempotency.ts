// Webhooks and Idempotency-Key.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const webhookIdempotencyMessages = {
  // Webhooks and Idempotency-Key (src/webhooks, src/http/idempotency.ts).
  'reason.webhook_no_secret': [
    'webhook 未启用：请在 gateway.yaml 中设置 webhooks.secret（或环境变量 WEBHOOK_SECRET）；网关从不发送未签名的回调',
    'webhooks are off: set webhooks.secret in gateway.yaml (or the WEBHOOK_SECRET environment variable); the gateway never sends unsigned webhooks',
  ],
  'reason.webhook_url': [
    'webhook 须为不含用户名和密码的 http(s) 地址（{why}）',
    'webhook must be an http(s) URL without credentials ({why})',
  ],
  'reason.idempotency_key': [
    'Idempotency-Key 须为 1 到 255 个可见 ASCII 字符',
    'Idempotency-Key must be 1 to 255 printable ASCII characters',
  ],
  'reason.idempotency_reused': [
    '该 Idempotency-Key 已用于另一个请求（请求内容不同）；新的请求请使用新的键',
    'this Idempotency-Key was already used for a different request (another body or query); use a new key for a new request',
  ],
} satisfies Record<string, readonly [string, string]>;

// Signatures, and what an API key may call.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const securityMessages = {
  // Security (src/security): which signature check failed, and a key limited to some scenarios.
  'error.signature_missing': ['签名校验失败: 缺少请求头 {header}', 'Signature check failed: missing header {header}'],
  'error.signature_timestamp': [
    '签名校验失败: X-Timestamp 须为 Unix 秒数，收到 "{value}"',
    'Signature check failed: X-Timestamp must be unix seconds, got "{value}"',
  ],
  'error.signature_stale': [
    '签名校验失败: 时间戳已过期（早于服务器时间 {seconds} 秒，允许 {tolerance} 秒）',
    'Signature check failed: stale timestamp ({seconds} s behind the server clock; tolerance {tolerance} s)',
  ],
  'error.signature_future': [
    '签名校验失败: 时间戳在未来（晚于服务器时间 {seconds} 秒，允许 {tolerance} 秒）',
    'Signature check failed: timestamp in the future ({seconds} s ahead of the server clock; tolerance {tolerance} s)',
  ],
  'error.signature_nonce': [
    '签名校验失败: X-Nonce 须为 8 到 128 个可见 ASCII 字符',
    'Signature check failed: X-Nonce must be 8 to 128 visible ASCII characters',
  ],
  'error.signature_replayed': [
    '签名校验失败: nonce 已被使用（重放的请求）',
    'Signature check failed: replayed nonce (this nonce was already used)',
  ],
  'error.signature_invalid': [
    '签名校验失败: 签名与 METHOD\\nPATH\\nQUERY\\nSHA256(body)\\nTIMESTAMP\\nNONCE 不匹配',
    'Signature check failed: bad signature (it does not match METHOD\\nPATH\\nQUERY\\nSHA256(body)\\nTIMESTAMP\\nNONCE under any configured public key)',
  ],
  'error.signature_socket_submit': [
    '签名校验失败: 提交需要签名（auth.signature.groups 包含提交路由），而此 WebSocket 的升级请求未签名。请对升级请求 GET /api/v1/ws/<client_id> 签名（X-Signature、X-Timestamp、X-Nonce），或通过 HTTP 提交',
    'Signature check failed: submitting needs a signature (auth.signature.groups covers submission) and this WebSocket was opened without one. Sign the upgrade request GET /api/v1/ws/<client_id> (X-Signature, X-Timestamp, X-Nonce), or submit over HTTP',
  ],
  'error.raw_workflow_forbidden': [
    '该 API 密钥只能调用指定的场景，不能提交任意工作流或清空队列',
    'This API key may only run its scenarios, not submit arbitrary workflows or clear the queue',
  ],
  'error.scenario_forbidden': ['该 API 密钥无权调用场景 {name}', 'This API key may not run scenario {name}'],
  'error.admin_only': ['该接口需要 role: admin 的 API 密钥', 'This route needs an API key with role: admin'],
} satisfies Record<string, readonly [string, string]>;

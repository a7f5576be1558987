// The gateway's own WebSocket.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const websocketMessages = {
  // The gateway WebSocket (/api/v1/ws/{client_id}); 'ws.connected' is the seed's own text.
  'ws.connected': ['WebSocket 连接已建立', 'WebSocket connection established'],
  'ws.invalid_json': [
    '消息不是合法的 JSON 对象，格式应为 {"type": "...", "data": {...}}',
    'The message is not a JSON object; send {"type": "...", "data": {...}}',
  ],
  'ws.unknown_type': [
    '未知的消息类型: {type}（支持 submit、ping）',
    'Unknown message type: {type} (supported: submit, ping)',
  ],
  'reason.ws_client_id': [
    'client_id 只能包含字母、数字、_ . : -，长度 1 到 128（{pattern}）',
    'client_id may hold letters, digits, _ . : - and be 1 to 128 long ({pattern})',
  ],
  'reason.ws_too_many_sockets': [
    '该 client_id 已打开 {limit} 个 WebSocket 连接（上限）',
    'this client_id already has {limit} open WebSockets (the limit)',
  ],
  'reason.ws_too_many_total': [
    '网关已打开 {limit} 个 WebSocket 连接（上限），请稍后再试',
    'the gateway already has {limit} open WebSockets (the limit); try again later',
  ],
  'reason.ws_too_many_for_key': [
    '该 API 密钥（或客户端地址）已打开 {limit} 个 WebSocket 连接（上限）',
    'this API key (or client address) already has {limit} open WebSockets (the limit)',
  ],
  'reason.ws_workflow_missing': [
    'data.workflow 必须是非空的 API 格式工作流对象',
    'data.workflow must be a non-empty API-format workflow object',
  ],
  'reason.ws_field_string': ['{field} 必须是非空字符串', '{field} must be a non-empty string'],
} satisfies Record<string, readonly [string, string]>;

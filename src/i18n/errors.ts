// One error per catalogue code, and the reasons a request body or form is refused.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const errorMessages = {
  // Errors: one per catalogue code, plus the specific reasons.
  'error.bad_request': ['请求参数验证失败: {reason}', 'Invalid request parameters: {reason}'],
  'error.invalid_json': ['请求体不是合法的 JSON: {reason}', 'The request body is not valid JSON: {reason}'],
  'error.unauthorized': ['缺少或错误的 API 密钥', 'Missing or wrong API key'],
  'error.forbidden': ['无权访问: {reason}', 'Not allowed: {reason}'],
  'error.not_found': ['资源不存在: {what}', 'Not found: {what}'],
  'error.route_not_found': ['接口不存在: {method} {path}', 'No such route: {method} {path}'],
  'error.too_large': ['请求体过大（上限 {limit}）', 'Request body too large (limit {limit})'],
  'error.request_timeout': [
    '请求未在规定时间内发送完毕（请求头须在 server.headers_timeout_ms 内、整个请求须在 server.request_timeout_ms 内到达），连接已关闭',
    'The request did not arrive in time (headers within server.headers_timeout_ms, the whole request within server.request_timeout_ms); the connection is closed',
  ],
  'body.encoding_unknown': [
    'Content-Encoding "{encoding}"（请求体请原样发送，或使用 gzip、deflate、br 压缩）',
    'Content-Encoding "{encoding}" (send the body as is, or with gzip, deflate or br)',
  ],
  'body.charset': [
    '字符集 "{charset}"（JSON 请求体只按 UTF-8 读取；请发送 charset=utf-8 或不写字符集）',
    'charset "{charset}" (JSON bodies are read as UTF-8 only; send charset=utf-8 or none)',
  ],
  'body.not_utf8': ['请求体不是有效的 UTF-8（JSON 必须以 UTF-8 发送）', 'the body is not valid UTF-8 (JSON must be sent as UTF-8)'],
  'body.top_level': ['顶层只接受对象或数组', 'only an object or an array is accepted at the top level'],
  'body.not_decodable': ['请求体不是有效的 {encoding} 数据（{detail}）', 'the body is not valid {encoding} data ({detail})'],
  'body.unreadable': ['无法读取请求体（{detail}）', 'request body could not be read ({detail})'],
  'body.aborted': ['无法读取请求体（客户端中止了请求）', 'request body could not be read (the client aborted the request)'],
  'form.encoding': [
    '多部分表单带有 Content-Encoding "{encoding}"（请发送未压缩的表单）',
    'Content-Encoding "{encoding}" on a multipart form (send the form uncompressed)',
  ],
  'form.one_file': ['此接口只接受一个文件部分，表单发送了多个', 'this route takes one file part; the form sent more'],
  'form.max_files': ['最多接受 {max} 个文件部分，表单发送了更多', 'at most {max} file parts are accepted; the form sent more'],
  'form.max_fields': ['最多接受 {max} 个文本字段，表单发送了更多', 'at most {max} text fields are accepted; the form sent more'],
  'form.file_size': ['有文件部分大于 {limit}（limits.upload_bytes）', 'a file part is larger than {limit} (limits.upload_bytes)'],
  'form.total_size': [
    '文件部分合计大于 {limit}（最多 {max} 个部分，每个不超过 limits.upload_bytes）',
    'the file parts together are larger than {limit} (limits.upload_bytes for each of at most {max} parts)',
  ],
  'form.fields_size': ['文本字段合计大于 {limit}', 'the text fields together are larger than {limit}'],
  'error.method_not_allowed': [
    '接口 {path} 不支持 {method} 方法（支持: {allow}）',
    'Method {method} is not allowed on {path} (allowed: {allow})',
  ],
  'error.form_limit': ['表单超出限制: {reason}', 'The form exceeds a limit: {reason}'],
  'error.bad_form': ['multipart 表单格式错误: {reason}', 'The multipart form is malformed: {reason}'],
  'error.bad_body_encoding': ['请求体无法解码: {reason}', 'The request body cannot be decoded: {reason}'],
  'error.unsupported_encoding': ['不支持的请求体编码: {reason}', 'Unsupported request body encoding: {reason}'],
  'error.rate_limited': ['请求过于频繁，请 {seconds} 秒后重试', 'Too many requests; retry in {seconds} s'],
  'error.internal': ['服务器内部错误（请求 ID {requestId}）', 'Internal server error (request id {requestId})'],
  'error.store_unavailable': [
    '共享状态存储（Redis）暂时不可用，请稍后重试',
    'The shared state store (Redis) is unavailable; retry shortly',
  ],
  'error.upstream': ['ComfyUI 连接失败: {address} ({reason})', 'ComfyUI unreachable: {address} ({reason})'],
  'error.upstream_bad_answer': [
    'ComfyUI 返回了无法识别的响应: {address} ({reason})',
    'ComfyUI answered something unusable: {address} ({reason})',
  ],
  'error.workflow_rejected': ['工作流验证失败: {reason}', 'ComfyUI rejected the workflow: {reason}'],
  'error.file': ['文件操作错误: {reason}', 'File operation failed: {reason}'],
} satisfies Record<string, readonly [string, string]>;

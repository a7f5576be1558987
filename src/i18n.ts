// Every text the gateway says to a caller, in both languages. The seed document promised Chinese messages, so
// zh-CN is the default; `locale: en` in gateway.yaml switches every answer to English.

export type Locale = 'zh-CN' | 'en';

type Params = Record<string, string | number>;

/** key → [zh-CN, en]. `{name}` is replaced by the parameter of that name. */
const catalogue = {
  // Successes (texts of the seed document where it names one).
  success: ['success', 'success'],
  'workflow.submitted': ['工作流已提交', 'Workflow submitted'],
  'workflow.history': ['获取历史记录成功', 'History retrieved'],
  'workflow.interrupted': ['已中断正在运行的工作流', 'The running workflow was interrupted'],
  'workflow.dequeued': ['已从队列中移除等待中的工作流', 'The pending workflow was removed from the queue'],
  'queue.status': ['获取队列状态成功', 'Queue status retrieved'],
  'queue.cleared': ['队列已清空', 'Queue cleared'],
  'queue.deleted': ['已从队列中删除指定任务', 'The given prompts were removed from the queue'],
  'image.uploaded': ['上传成功', 'Upload succeeded'],
  'image.url': ['获取图片 URL 成功', 'Image URL retrieved'],
  'health.ok': ['服务正常', 'Service is healthy'],
  'health.degraded': ['ComfyUI 不可用', 'ComfyUI is unreachable'],
  'scenario.submitted': ['任务已提交', 'Job submitted'],
  'scenario.dry_run': ['工作流已生成（未提交）', 'Workflow built (not submitted)'],
  'scenario.list': ['获取场景列表成功', 'Scenarios listed'],
  'scenario.detail': ['获取场景详情成功', 'Scenario retrieved'],
  'route.options': ['{path} 支持的方法: {allow}', 'Methods allowed on {path}: {allow}'],

  // Jobs (src/jobs, src/routes/jobs.ts).
  'job.detail': ['获取任务状态成功', 'Job status retrieved'],
  'what.job': ['任务 {id}（网关和 ComfyUI 都不知道这个 prompt_id）', 'job {id} (neither the gateway nor ComfyUI knows this prompt_id)'],
  'reason.prompt_lost': [
    'ComfyUI 已不再知道这个任务（不在队列中也不在历史记录中），它可能已重启',
    'ComfyUI no longer knows this prompt; it was probably restarted',
  ],
  'reason.wait_flag': ['wait 只能是 true 或 false，收到 "{value}"', 'wait must be true or false, got "{value}"'],
  'reason.wait_timeout': [
    'timeout 须为正数秒（最多 {max}），收到 "{value}"',
    'timeout must be a positive number of seconds (at most {max}), got "{value}"',
  ],
  'reason.wait_output': ['output 只能是 url 或 base64，收到 "{value}"', 'output must be url or base64, got "{value}"'],

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
  'reason.ws_workflow_missing': [
    'data.workflow 必须是非空的 API 格式工作流对象',
    'data.workflow must be a non-empty API-format workflow object',
  ],

  // Reasons and names the core routes put into error messages (workflows, queue, images).
  'reason.workflow_ui_format': [
    '这是 ComfyUI 的 UI 格式导出（含 nodes/links 数组）；请在 ComfyUI 中用 "Save (API Format)" 导出 API 格式的工作流',
    'this is a ComfyUI UI-format export (it has nodes/links arrays); export the workflow with "Save (API Format)" instead',
  ],
  'reason.workflow_empty': [
    'workflow 不能为空：需要 {"<节点 ID>": {"class_type": ..., "inputs": {...}}} 形式的 API 格式工作流',
    'workflow is empty: send an API-format workflow {"<node id>": {"class_type": ..., "inputs": {...}}}',
  ],
  'reason.workflow_node_invalid': [
    '节点 "{id}" 无效（{problem}）；API 格式的每个节点都需要 class_type（字符串）和 inputs（对象），请用 "Save (API Format)" 导出',
    'node "{id}" is invalid ({problem}); every node of an API-format workflow needs class_type (a string) and inputs (an object): export it with "Save (API Format)"',
  ],
  'reason.workflow_too_many_nodes': ['工作流有 {count} 个节点，上限 {limit}', 'the workflow has {count} nodes; the limit is {limit}'],
  'reason.workflow_too_deep': ['工作流嵌套超过 {limit} 层', 'the workflow is nested deeper than {limit} levels'],
  'reason.queue_clear_flag': [
    '请发送 {"clear": true} 清空等待队列，或发送 {"delete": ["<prompt_id>", ...]} 删除指定任务',
    'send {"clear": true} to clear the pending queue, or {"delete": ["<prompt_id>", ...]} to remove particular prompts',
  ],
  'reason.unsafe_path': [
    '{field} 不安全（{why}）：不允许 ".."、绝对路径、反斜杠、NUL、控制字符或编码的路径分隔符',
    '{field} is unsafe ({why}): "..", absolute paths, backslashes, NUL, control characters and encoded separators are not allowed',
  ],
  'reason.filename_has_dir': [
    'filename 只能是文件名，不能含 "/"；子目录请放在 subfolder 参数里',
    'filename must be a bare file name without "/"; put the directory into the subfolder parameter',
  ],
  'reason.not_an_image': [
    '文件内容不是支持的图片（检测到: {found}）；支持 png、jpeg、webp、gif、bmp、tiff',
    'the file content is not a supported image (found: {found}); png, jpeg, webp, gif, bmp and tiff are accepted',
  ],
  'reason.image_unreadable': ['无法读取图片: {reason}', 'the image cannot be read: {reason}'],
  'reason.image_too_many_pixels_pages': [
    '图片 {width}×{height} 共 {pages} 帧/页，合计 {pixels} 像素，超过上限 {limit}',
    'the image has {pages} frames or pages of {width}×{height}, {pixels} pixels in all, more than the limit of {limit}',
  ],
  'reason.image_empty': ['图片尺寸为 {width}×{height}，没有任何像素', 'the image is {width}×{height}: it has no pixels'],
  'reason.image_too_many_pixels': [
    '图片 {width}×{height} 共 {pixels} 像素，超过上限 {limit}',
    'the image is {width}×{height} = {pixels} pixels, more than the limit of {limit}',
  ],
  'reason.upload_missing_file': [
    '缺少图片文件：请以 multipart/form-data 的 file 字段上传（curl -F "file=@image.png"）',
    'no image file: send it as the multipart/form-data field "file" (curl -F "file=@image.png")',
  ],
  'reason.storage_failed': ['无法保存本地副本: {reason}', 'could not keep the local copy: {reason}'],
  // Image inputs of scenarios and workflows (src/images/resolve-image-input.ts, fetch-remote-image.ts).
  'reason.image_input_kind': [
    '{field}: 既不是 ComfyUI input 目录中的文件名，也不是 data URL、base64 图片或 http(s) URL',
    '{field}: not a file name in ComfyUI\'s input folder, nor a data URL, base64 image or http(s) URL',
  ],
  'reason.image_input_data_url': [
    '{field}: data URL 须为 data:image/<类型>;base64,<数据> 形式',
    '{field}: a data URL must look like data:image/<type>;base64,<data>',
  ],
  'reason.image_input_in': ['{field}: {reason}', '{field}: {reason}'],
  'reason.fetch_disabled': [
    '{field}: 网关未开启远程图片下载（gateway.yaml 中 images.fetch.enabled 为 false）',
    '{field}: fetching images by URL is turned off (images.fetch.enabled is false in gateway.yaml)',
  ],
  'reason.fetch_refused': [
    '{field}: 拒绝下载 {url}：不允许访问{rule}地址（{address}）；如确有需要，请把该主机加入 gateway.yaml 的 images.fetch.allow_hosts',
    '{field}: refusing to fetch {url}: {rule} addresses are not allowed ({address}); add the host to images.fetch.allow_hosts in gateway.yaml if this is intended',
  ],
  'reason.fetch_scheme': [
    '{field}: 只能下载 http 或 https URL，收到 {url}',
    '{field}: only http and https URLs can be fetched, not {url}',
  ],
  'reason.fetch_failed': ['{field}: 无法下载 {url}（{reason}）', '{field}: could not fetch {url} ({reason})'],
  'reason.fetch_status': ['{field}: {url} 返回了 HTTP {status}', '{field}: {url} answered HTTP {status}'],
  'reason.fetch_timeout': [
    '{field}: 下载 {url} 超过 {ms} 毫秒（images.fetch.timeout_ms）',
    '{field}: fetching {url} took longer than {ms} ms (images.fetch.timeout_ms)',
  ],
  'reason.fetch_redirects': [
    '{field}: {url} 重定向超过 {limit} 次（images.fetch.max_redirects）',
    '{field}: {url} redirected more than {limit} times (images.fetch.max_redirects)',
  ],
  'reason.fetch_too_large': [
    'images.fetch.max_bytes = {limit} 字节；{field} 的 {url} 更大',
    'images.fetch.max_bytes = {limit} bytes; {url} of {field} is bigger',
  ],
  'reason.form_value': [
    '{field} 的值 "{value}" 不是{type}',
    'the value "{value}" of {field} is not {type}',
  ],
  'reason.form_repeated_file': [
    '图片字段 {field} 只能上传一个文件，表单中出现了多个',
    'the form sends more than one file in {field}; an image field takes one file',
  ],
  'reason.form_unknown_file': [
    '文件字段 {field} 不是该场景的图片字段（图片字段: {fields}）',
    'the file part {field} is not an image field of this scenario (image fields: {fields})',
  ],
  'reason.workflow_image_target': [
    'images["{key}"]: {problem}；键的格式为 "<节点 ID>.inputs.<输入名>"，或 "<节点 ID>"（即 <节点 ID>.inputs.image）',
    'images["{key}"]: {problem}; a key is "<node id>.inputs.<input name>", or "<node id>" for <node id>.inputs.image',
  ],
  'what.history': ['工作流 {id} 的历史记录', 'history of prompt {id}'],
  'what.history_unfinished': [
    '工作流 {id} 的历史记录（它仍在{state}，完成后才有历史记录）',
    'history of prompt {id} (it is still {state}; history exists once it finishes)',
  ],
  'what.queued_prompt': [
    '正在运行或等待中的工作流 {id}（可能已经结束，请查询其历史记录）',
    'running or pending prompt {id} (it may have finished already: see its history)',
  ],
  'what.image': ['图片 {name}', 'image {name}'],
  'state.running': ['运行', 'running'],
  'state.pending': ['排队', 'pending'],

  // Errors: one per catalogue code, plus the specific reasons.
  'error.bad_request': ['请求参数验证失败: {reason}', 'Invalid request parameters: {reason}'],
  'error.invalid_json': ['请求体不是合法的 JSON: {reason}', 'The request body is not valid JSON: {reason}'],
  'error.unauthorized': ['缺少或错误的 API 密钥', 'Missing or wrong API key'],
  'error.forbidden': ['无权访问: {reason}', 'Not allowed: {reason}'],
  'error.not_found': ['资源不存在: {what}', 'Not found: {what}'],
  'error.route_not_found': ['接口不存在: {method} {path}', 'No such route: {method} {path}'],
  'error.too_large': ['请求体过大（上限 {limit}）', 'Request body too large (limit {limit})'],
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
  'error.upstream': ['ComfyUI 连接失败: {address} ({reason})', 'ComfyUI unreachable: {address} ({reason})'],
  'error.upstream_bad_answer': [
    'ComfyUI 返回了无法识别的响应: {address} ({reason})',
    'ComfyUI answered something unusable: {address} ({reason})',
  ],
  'error.workflow_rejected': ['工作流验证失败: {reason}', 'ComfyUI rejected the workflow: {reason}'],
  'error.file': ['文件操作错误: {reason}', 'File operation failed: {reason}'],
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
  'error.raw_workflow_forbidden': [
    '该 API 密钥只能调用指定的场景，不能提交任意工作流或清空队列',
    'This API key may only run its scenarios, not submit arbitrary workflows or clear the queue',
  ],
  'error.scenario_forbidden': ['该 API 密钥无权调用场景 {name}', 'This API key may not run scenario {name}'],
} satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof catalogue;

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogue[key][locale === 'en' ? 1 : 0];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

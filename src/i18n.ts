// Every text the gateway says to a caller, in both languages. The service this gateway replaces answered in Chinese,
// so zh-CN is the default; `locale: en` in gateway.yaml switches every answer to English.

export type Locale = 'zh-CN' | 'en';

/**
 * A message not yet put into words: a catalogue key and its parameters. An error carries one (also nested, as the
 * parameter of another) and the error middleware renders it once, in the caller's language.
 */
export interface Message {
  key: MessageKey;
  params?: Params;
}

type Params = Record<string, string | number | Message>;

/** A message to render later; `message('what.job', { id })` reads like the sentence it becomes. */
export function message(key: MessageKey, params?: Params): Message {
  return params === undefined ? { key } : { key, params };
}

/** key → [zh-CN, en]. `{name}` is replaced by the parameter of that name. */
const catalogue = {
  // Successes (the replaced service's texts where it had one).
  success: ['success', 'success'],
  'service.info': ['网关运行中', 'The gateway is running'],
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
  'backends.list': ['后端列表', 'The backends of the pool'],
  'backends.drained': ['后端已停止接收新任务，正在完成已有任务', 'The backend gets no new work and finishes what it holds'],
  'backends.resumed': ['后端已恢复接收任务', 'The backend takes work again'],
  'health.degraded': ['ComfyUI 不可用', 'ComfyUI is unreachable'],
  'scenario.submitted': ['任务已提交', 'Job submitted'],
  'scenario.dry_run': ['工作流已生成（未提交）', 'Workflow built (not submitted)'],
  'scenario.list': ['获取场景列表成功', 'Scenarios listed'],
  'scenario.detail': ['获取场景详情成功', 'Scenario retrieved'],
  'route.options': ['{path} 支持的方法: {allow}', 'Methods allowed on {path}: {allow}'],

  // Jobs (src/jobs, src/routes/jobs.ts).
  'job.detail': ['获取任务状态成功', 'Job status retrieved'],
  'job.deliveries_retried': ['已重新开始失败的输出投递', 'The failed output deliveries were started again'],
  'what.job': ['任务 {id}（网关和 ComfyUI 都不知道这个 prompt_id）', 'job {id} (neither the gateway nor ComfyUI knows this prompt_id)'],
  'reason.prompt_lost': [
    'ComfyUI 已不再知道这个任务（不在队列中也不在历史记录中），它可能已重启',
    'ComfyUI no longer knows this prompt; it was probably restarted',
  ],
  'reason.gateway_lost': [
    '持有此任务的网关进程已停止，任务尚未发送到任何后端；请重新提交',
    'The gateway process that held this job stopped before sending it to any backend; submit it again',
  ],
  'reason.inputs_not_shared': [
    '持有此任务的网关进程已停止，接手的进程的输入文件夹中没有此任务的输入图片 {names}：共用一个 Redis 的所有网关进程必须共用同一个输入文件夹（folders.input）；请重新提交',
    'The gateway process that held this job stopped, and the process that took it over has no input image {names} in its input folder: gateway processes sharing a Redis must share one input folder (folders.input); submit it again',
  ],
  'reason.backend_lost': [
    '运行此任务的后端 {backend} ({url}) 已离线，重试次数已用尽',
    'The backend {backend} ({url}) that ran this prompt went down, and no attempt is left',
  ],
  'reason.queue_timeout': [
    '任务在网关队列中等待了 {seconds} 秒，期间没有可用的后端',
    'The prompt waited {seconds} s in the gateway queue with no backend up',
  ],
  'reason.no_backend_up': ['池中没有在线的后端', 'no backend of the pool is up'],
  'reason.backend_unknown': ['没有名为 {name} 的后端', 'there is no backend named {name}'],
  'reason.job_removed': ['任务在开始前已从队列中移除', 'The prompt was removed from the queue before it started'],
  'reason.job_interrupted_pending': [
    '任务在开始前被中断（已从队列中移除）',
    'The prompt was interrupted before it started (removed from the queue)',
  ],
  'reason.wait_flag': ['wait 只能是 true 或 false，收到 "{value}"', 'wait must be true or false, got "{value}"'],
  'reason.wait_timeout': [
    'timeout 须为正数秒（最多 {max}），收到 "{value}"',
    'timeout must be a positive number of seconds (at most {max}), got "{value}"',
  ],
  'reason.output_without_wait': [
    'output=base64 只在等待结果时有效：请同时加上 wait=true',
    'output=base64 only works while waiting for the result: add wait=true',
  ],
  'reason.wait_output': ['output 只能是 url 或 base64，收到 "{value}"', 'output must be url or base64, got "{value}"'],

  // Output conversion (src/outputs/convert-options.ts).
  'reason.convert_format': [
    'format 只能是 {formats} 之一，收到 "{value}"',
    'format must be one of {formats}, got "{value}"',
  ],
  'reason.convert_number': [
    '{name} 须为 1 到 {max} 之间的整数，收到 "{value}"',
    '{name} must be a whole number from 1 to {max}, got "{value}"',
  ],
  'reason.convert_without_format': [
    'quality 和 max_side 只在转换时有效：请同时给出 format（webp、jpeg、png 或 avif）',
    'quality and max_side only apply to a conversion: add format (webp, jpeg, png or avif)',
  ],
  'reason.deliver_unknown': [
    '没有配置名为 {names} 的输出目的地（outputs.sinks）；已配置：{known}',
    'No output sink named {names} is configured (outputs.sinks); configured: {known}',
  ],
  'reason.put_url_off': [
    'put_url 未启用：请在 gateway.yaml 中设置 outputs.put.enabled: true',
    'put_url is off: set outputs.put.enabled: true in gateway.yaml',
  ],
  'reason.put_url': ['put_url "{url}" 不可用：{reason}', 'put_url "{url}" cannot be used: {reason}'],
  'reason.convert_not_offered': [
    '场景 {name} 没有声明图片输出（manifest 的 outputs.kinds），不能用 format 转换',
    'Scenario {name} declares no picture outputs (outputs.kinds in its manifest), so format cannot convert anything',
  ],
  'reason.convert_source': [
    '只有图片可以转换格式，{name} 不是图片',
    'Only pictures can be converted; {name} is not one',
  ],

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
  // Pushing a kept input image to a ComfyUI backend (src/images/input-pushes.ts).
  'reason.input_push_failed': [
    '后端 "{backend}" 未能接收输入图片 "{name}": {reason}',
    'backend "{backend}" did not take the input image "{name}": {reason}',
  ],
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
  'what.scenario': ['场景 "{name}"（已有场景: {known}）', 'scenario "{name}" (scenarios: {known})'],
  'what.scenario_none': ['场景 "{name}"（当前没有已加载的场景）', 'scenario "{name}" (no scenarios are loaded)'],
  'what.scenario_failed': [
    '场景 "{name}"（其清单 {file} 加载失败，详见 GET /api/v1/scenarios）',
    'scenario "{name}" (its manifest {file} failed to load: see GET /api/v1/scenarios)',
  ],
  'reason.scenario_name_encoding': [
    '路径中的场景名不是合法的百分号编码 UTF-8: {raw}',
    'the scenario name in the path is not valid percent-encoded UTF-8: {raw}',
  ],
  'reason.inline_too_large': ['{field} 的 {limit} 字节（limits.upload_bytes）', '{limit} bytes (limits.upload_bytes) for {field}'],
  'reason.fetch_not_url': ['不是合法的 URL', 'not a valid URL'],
  'reason.fetch_credentials': ['URL 中的用户名和密码不会被发送', 'user names and passwords in URLs are not sent'],
  'reason.fetch_unresolved': ['无法解析 {host}: {reason}', 'cannot resolve {host}: {reason}'],
  'reason.fetch_no_address': ['{host} 没有地址', '{host} has no address'],
  'state.running': ['运行', 'running'],
  'state.pending': ['排队', 'pending'],

  // A manifest's `set:` block (src/scenarios/apply-set.ts) and its check against ComfyUI's node definitions.
  'manifest.set_path': [
    '{at}: "set" 的键 "{key}" 须形如 "<节点 id 或标题>.inputs.<输入名>"，例如 "5.inputs.height"',
    '{at}: the "set" key "{key}" must look like "<node id or title>.inputs.<input name>", e.g. "5.inputs.height"',
  ],
  'manifest.set_node': ['{at}: "set" 指向节点 "{ref}"，但 {reason}', '{at}: "set" names node "{ref}", but {reason}'],
  'manifest.set_input': [
    '{at}: "set" 指向 {node} 的输入 "{input}"，但该节点没有这个输入（输入: {inputs}）',
    '{at}: "set" names input "{input}" of {node}, but that node has no input "{input}" (inputs: {inputs})',
  ],
  'manifest.set_link': [
    '{at}: "set" 会替换 {node} 的输入 "{input}"，它连接着节点 "{from}" 的输出 {slot}；如确需断开连接，写成 {value: …, overwrite_link: true}',
    '{at}: "set" would replace input "{input}" of {node}, which is connected to output {slot} of node "{from}"; write {value: …, overwrite_link: true} if cutting that connection is intended',
  ],
  'manifest.set_type': [
    '{at}: "set" 给 {node} 的输入 "{input}" 的值是 {value}，但工作流中这里的值是 {current}，类型不同',
    '{at}: "set" gives input "{input}" of {node} the value {value}, but the workflow holds {current} there, a different kind of value',
  ],
  'manifest.set_field': [
    '{at}: 字段 "{field}" 也写入 {node} 的输入 "{input}"；一个值要么由 "set" 固定，要么由字段提供，不能两者都有',
    '{at}: field "{field}" also writes input "{input}" of {node}; a value is either fixed by "set" or given by a field, not both',
  ],
  'manifest.type_narrower': [
    '{at}: 字段 "{field}" 的类型是 {declared}，但 {node} 的输入 "{input}" 是 {comfy}，接受小数（如 7.5），而网关会拒绝这样的值；请改为 type: {suggested}',
    '{at}: field "{field}" has type {declared}, but input "{input}" of {node} is {comfy}, which takes decimals such as 7.5 that the gateway would refuse; use type: {suggested}',
  ],
  'manifest.type_wider': [
    '{at}: 字段 "{field}" 的类型是 {declared}，但 {node} 的输入 "{input}" 是 {comfy}，ComfyUI 会拒绝小数；请改为 type: integer',
    '{at}: field "{field}" has type {declared}, but input "{input}" of {node} is {comfy}, which refuses decimals; use type: integer',
  ],

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

  // Validation of request bodies, queries and paths (src/http/validation.ts): one predicate per ajv keyword, so a
  // detail reads "<where> <predicate>" in one language. Our own texts rather than ajv-i18n's, whose Chinese keeps
  // type names in English and which knows nothing of our field paths.
  'valid.summary_more': ['（另有 {count} 项）', ' (+{count} more)'],
  'valid.list_sep': ['；', '; '],
  'valid.required': ['是必填项', 'is required'],
  'valid.additional': ['不是已知的字段', 'is not a known field'],
  'valid.enum': ['必须是以下值之一: {values}', 'must be one of: {values}'],
  'valid.const': ['必须等于 {value}', 'must be {value}'],
  'valid.type': ['必须是{type}', 'must be of type {type}'],
  'valid.minimum': ['必须 >= {limit}', 'must be >= {limit}'],
  'valid.maximum': ['必须 <= {limit}', 'must be <= {limit}'],
  'valid.exclusiveMinimum': ['必须 > {limit}', 'must be > {limit}'],
  'valid.exclusiveMaximum': ['必须 < {limit}', 'must be < {limit}'],
  'valid.multipleOf': ['必须是 {limit} 的整数倍', 'must be a multiple of {limit}'],
  'valid.minLength': ['长度不能少于 {limit} 个字符', 'must be at least {limit} characters long'],
  'valid.maxLength': ['长度不能超过 {limit} 个字符', 'must be at most {limit} characters long'],
  'valid.pattern': ['必须匹配正则表达式 "{pattern}"', 'must match the pattern "{pattern}"'],
  'valid.format': ['必须是 "{format}" 格式', 'must be in the format "{format}"'],
  'valid.minItems': ['至少需要 {limit} 项', 'must have at least {limit} items'],
  'valid.maxItems': ['最多只能有 {limit} 项', 'must have at most {limit} items'],
  'valid.uniqueItems': ['不能有重复项（第 {i} 项与第 {j} 项相同）', 'must not hold duplicates (items {j} and {i} are equal)'],
  'valid.minProperties': ['至少需要 {limit} 个属性', 'must have at least {limit} properties'],
  'valid.maxProperties': ['最多只能有 {limit} 个属性', 'must have at most {limit} properties'],
  'valid.not': ['不能符合被排除的规则', 'must not match the excluded schema'],
  'valid.anyOf': ['不符合任何一种允许的形式', 'must match one of the allowed forms'],
  'valid.oneOf': ['必须恰好符合一种允许的形式', 'must match exactly one of the allowed forms'],
  'valid.false': ['不允许出现', 'is not allowed'],
  'valid.dependentRequired': ['有 {property} 时还需要 {deps}', 'needs {deps} when {property} is given'],
  'valid.other': ['不符合规则 {keyword}', 'does not satisfy {keyword}'],
  'type.string': ['字符串', 'string'],
  'type.number': ['数字', 'number'],
  'type.integer': ['整数', 'integer'],
  'type.boolean': ['布尔值（true 或 false）', 'boolean'],
  'type.array': ['数组', 'array'],
  'type.object': ['对象', 'object'],
  'type.null': ['null', 'null'],
  'type.or': [' 或 ', ','],
  // A multipart form value that is not what the field declares (src/routes/scenario-images.ts).
  'form.integer': ['整数', 'an integer'],
  'form.number': ['数字', 'a number'],
  'form.boolean': ['true 或 false', 'true or false'],
  'form.json_array': ['JSON 数组', 'a JSON array'],
  'form.json_object': ['JSON 对象', 'a JSON object'],

  // Scenario manifests (src/scenarios): every problem an author sees at load, in GET /api/v1/scenarios, in the
  // log and in `npm run check`. Each is the text after the `file:line:column:` prefix.
  'manifest.too_large': [
    '清单文件超过 {kib} KiB；清单只描述字段，工作流请放在单独的 .json 文件中',
    'the manifest is larger than {kib} KiB; a manifest only describes fields, keep the workflow in its own .json file',
  ],
  'manifest.yaml_invalid': ['YAML 格式错误: {reason}', 'the YAML is not valid: {reason}'],
  'manifest.yaml_unreadable': ['无法读取 YAML（解析器提示「{reason}」）', 'the YAML could not be read: {reason}'],
  'manifest.too_deep_to_read': ['清单嵌套过深，无法读取', 'the manifest is nested too deeply to read'],
  'manifest.aliases': [
    '清单使用 YAML 别名（*name）次数过多；请直接写出这些值',
    'the manifest uses YAML aliases (*name) too many times; write the values out instead',
  ],
  'manifest.too_deep': ['清单嵌套超过 {max} 层', 'the manifest is nested more than {max} levels deep'],
  'manifest.empty': ['清单是空的；至少需要 "workflow: <文件>.json"', 'the manifest is empty; it needs at least "workflow: <file>.json"'],
  'manifest.not_mapping_list': [
    '清单必须由 "键: 值" 形式的设置组成，而不是一个列表',
    'the manifest must be a list of "key: value" settings, not a single list',
  ],
  'manifest.not_mapping_value': [
    '清单必须由 "键: 值" 形式的设置组成，而不是单个值',
    'the manifest must be a list of "key: value" settings, not a single value',
  ],
  'manifest.subject': ['清单', 'the manifest'],
  'manifest.subject_field': ['字段 "{name}"', 'field "{name}"'],
  'manifest.subject_outputs': ['"outputs"', '"outputs"'],
  'manifest.unknown_key': ['{owner}中有未知的键 "{key}"{hint}', '{owner} has an unknown key "{key}"{hint}'],
  'manifest.hint_did_you_mean': ['（是否想写 "{guess}"？）', ' (did you mean "{guess}"?)'],
  'manifest.hint_known_keys': ['；可用的键: {keys}', '; known keys: {keys}'],
  'manifest.needs_workflow': [
    '清单需要 "workflow: <文件>.json"，即在 ComfyUI 中用 "Save (API Format)" 导出的工作流',
    'the manifest needs "workflow: <file>.json", the ComfyUI workflow exported with "Save (API Format)"',
  ],
  'manifest.field_needs_to': [
    '{field} 需要 "to"，即其值在工作流中写入的位置，例如 "to: 6.inputs.seed"',
    '{field} needs "to", the place its value goes in the workflow, e.g. "to: 6.inputs.seed"',
  ],
  'manifest.needs': ['{name} 缺少 "{missing}"', '{name} needs "{missing}"'],
  'manifest.bad_field_name': [
    '"{name}" 不能用作字段名: 只能使用字母、数字和 _（client_id 和 webhook 为保留名: 每个场景都接受它们）',
    '"{name}" cannot be a field name: use letters, digits and _ (client_id and webhook are reserved: every scenario accepts them)',
  ],
  'manifest.workflow_pattern': [
    '"workflow" 必须是 .json 文件名（用 "Save (API Format)" 导出的工作流）',
    '"workflow" must name a .json file (a workflow exported with "Save (API Format)")',
  ],
  'manifest.route_pattern': [
    '"route" 只能使用字母、数字、_ 和 -（最多 64 个字符）',
    '"route" may only use letters, digits, _ and - (at most 64 characters)',
  ],
  'manifest.to_pattern': [
    '{name}: "to" 的格式必须是 "<节点 ID 或标题>.inputs.<输入名>"，例如 "6.inputs.seed"',
    '{name}: "to" must look like "<node id or title>.inputs.<input name>", e.g. "6.inputs.seed"',
  ],
  'manifest.pattern': ['{name} 的格式不正确', '{name} does not have the expected form'],
  'manifest.to_any_of': [
    '{name}: "to" 必须是 "6.inputs.seed" 这样的节点路径，或由它们组成的列表',
    '{name}: "to" must be a node path like "6.inputs.seed", or a list of them',
  ],
  'manifest.type_any_of': [
    '{name}: "type" 必须是 string、number、integer、boolean、array、object 之一',
    '{name}: "type" must be one of string, number, integer, boolean, array, object',
  ],
  'manifest.invalid': ['{name} 无效', '{name} is not valid'],
  'manifest.must_be': ['{name} 必须是{kind}', '{name} must be {kind}'],
  'manifest.one_of': ['{name} 必须是以下值之一: {values}', '{name} must be one of: {values}'],
  'manifest.other': ['{name} {problem}', '{name} {problem}'],
  'kind.string': ['文本', 'text'],
  'kind.object': ['映射（"键: 值" 形式的多行）', 'a mapping (key: value lines)'],
  'kind.array': ['列表', 'a list'],
  'kind.boolean': ['true 或 false', 'true or false'],
  'kind.integer': ['整数', 'a whole number'],
  'kind.number': ['数字', 'a number'],
  'kind.null': ['null', 'null'],
  'kind.or': ['或', ' or '],
  'manifest.route_from_file': [
    '文件名 "{stem}" 不能用作路由（只能使用字母、数字、_ 和 -）；请重命名文件或添加 "route: <名称>"',
    'the file name "{stem}" cannot be used as a route (letters, digits, _ and - only); rename the file or add "route: <name>"',
  ],
  'manifest.workflow_escapes': [
    '"workflow" 必须是清单旁边或 templates/ 中的文件，不能含 ".." 或绝对路径',
    '"workflow" must name a file beside the manifest or in templates/, without ".." or an absolute path',
  ],
  'manifest.file_refused': ['清单文件{reason}', 'the manifest {reason}'],
  'file.larger_than': ['超过 {kib} KiB', 'is larger than {kib} KiB'],
  'file.link_outside': [
    '是指向其文件夹之外的符号链接；只加载文件夹内的文件',
    'is a symbolic link to a file outside its folder; only files inside the folder are loaded',
  ],
  'file.outside': [
    '实际位于其文件夹之外；只加载文件夹内的文件',
    'resolves to a file outside its folder; only files inside the folder are loaded',
  ],
  'file.link_dangling': ['是一个目标不存在的符号链接', 'is a symbolic link whose target does not exist'],
  'file.cannot_open': ['无法打开（{code}）', 'cannot be opened ({code})'],
  'file.fifo': ['是命名管道（FIFO），不是普通文件；只加载普通文件', 'is a FIFO, not a regular file; only regular files are loaded'],
  'file.folder': ['是文件夹，不是普通文件；只加载普通文件', 'is a folder, not a regular file; only regular files are loaded'],
  'file.socket': ['是套接字，不是普通文件；只加载普通文件', 'is a socket, not a regular file; only regular files are loaded'],
  'file.device': ['是设备文件，不是普通文件；只加载普通文件', 'is a device, not a regular file; only regular files are loaded'],
  'file.not_regular': ['不是普通文件；只加载普通文件', 'is not a regular file; only regular files are loaded'],
  'manifest.workflow_invalid': ['工作流 {file} {reason}', 'the workflow {file} {reason}'],
  'manifest.workflow_not_found': [
    '找不到工作流 "{name}"（已查找 {tried}）',
    'the workflow "{name}" was not found (looked for {tried})',
  ],
  'manifest.list_and': [' 和 ', ' and '],
  'manifest.route_taken': [
    '路由 "{name}" 已被 {owner} 使用；请为此清单设置另一个 "route"',
    'the route "{name}" is already used by {owner}; give this manifest another "route"',
  ],
  // Why a workflow file cannot be used; completes "the workflow <file> …".
  'workflow.too_large': ['超过 {kib} KiB', 'is larger than {kib} KiB'],
  'workflow.not_json': ['不是合法的 JSON（{detail}）', 'is not valid JSON ({detail})'],
  'workflow.json_at': ['第 {line} 行第 {column} 列附近', '{reason}'],
  'workflow.json_reason': ['解析器提示「{reason}」', '{reason}'],
  'workflow.not_object': ['不是工作流（应为由节点组成的 JSON 对象）', 'does not hold a workflow (expected a JSON object of nodes)'],
  'workflow.ui_format': [
    '是 ComfyUI 的 UI 格式（含 "nodes" 和 "links"）；请在 ComfyUI 中打开它，用 "Save (API Format)"（菜单 Workflow → Export (API)）导出，并让 "workflow" 指向导出的文件',
    'is in ComfyUI\'s UI format (it has "nodes" and "links"); open it in ComfyUI, export it with "Save (API Format)" (menu Workflow → Export (API)) and point "workflow" at that file',
  ],
  'workflow.no_nodes': ['没有任何节点', 'has no nodes'],
  'workflow.too_many_nodes': ['有 {count} 个节点，超过上限 {limit}', 'has {count} nodes, more than the limit of {limit}'],
  'workflow.node_no_class': [
    '中的节点 "{id}" 没有 "class_type"；请用 "Save (API Format)" 导出工作流',
    'has a node "{id}" without a "class_type"; export the workflow with "Save (API Format)"',
  ],
  'workflow.node_no_inputs': ['中的节点 "{id}"（{class}）没有 "inputs" 对象', 'has a node "{id}" ({class}) without an "inputs" object'],
  'workflow.node_too_deep': [
    '中节点 "{id}" 的 inputs 嵌套超过 {limit} 层',
    'has a node "{id}" whose inputs are nested more than {limit} levels deep',
  ],
  // The yaml library's error codes: described in Chinese, its own English sentence ({reason}) kept for en.
  'yaml.BAD_INDENT': ['缩进不正确，同一层的键必须从同一列开始', '{reason}'],
  'yaml.BAD_SCALAR_START': ['值的开头不合法（以 @、` 等保留字符开头的值请加引号）', '{reason}'],
  'yaml.BLOCK_AS_IMPLICIT_KEY': ['多行内容不能用作键（是否少了冒号或缩进不对？）', '{reason}'],
  'yaml.BLOCK_IN_FLOW': ['方括号或花括号中不能使用多行块', '{reason}'],
  'yaml.DUPLICATE_KEY': ['同一层出现了重复的键', '{reason}'],
  'yaml.IMPOSSIBLE': ['无法解析（文件可能已损坏）', '{reason}'],
  'yaml.KEY_OVER_1024_CHARS': ['键超过 1024 个字符', '{reason}'],
  'yaml.MISSING_CHAR': ['缺少必需的字符（如冒号、引号或右括号）', '{reason}'],
  'yaml.MULTILINE_IMPLICIT_KEY': ['键不能跨多行（是否少了冒号？）', '{reason}'],
  'yaml.MULTIPLE_ANCHORS': ['一个值有多个锚点（&name）', '{reason}'],
  'yaml.MULTIPLE_DOCS': ['文件中有多个 YAML 文档（---）；清单只能有一个', '{reason}'],
  'yaml.MULTIPLE_TAGS': ['一个值有多个标签（!tag）', '{reason}'],
  'yaml.TAB_AS_INDENT': ['不能用制表符缩进，请使用空格', '{reason}'],
  'yaml.UNEXPECTED_TOKEN': ['出现了意外的内容（是否少了引号或冒号？）', '{reason}'],
  'yaml.BAD_ALIAS': ['别名（*name）不合法', '{reason}'],
  'yaml.BAD_DIRECTIVE': ['指令（%）不合法', '{reason}'],
  'yaml.BAD_DQ_ESCAPE': ['双引号字符串中的转义序列不合法', '{reason}'],
  'yaml.TAG_RESOLVE_FAILED': ['无法解析标签（!tag）', '{reason}'],
  'yaml.ALIAS_PROPS': ['别名（*name）不能带锚点或标签', '{reason}'],
  'yaml.other': ['YAML 错误（代码 {code}）', '{reason}'],
  // Fields and their JSON Schemas (compile-scenario.ts).
  'manifest.field_schema_invalid': ['字段 "{name}" 不是合法的 JSON Schema: {reason}', 'field "{name}" is not a valid JSON Schema: {reason}'],
  'manifest.body_schema_invalid': ['请求体的 "schema" 不是合法的 JSON Schema: {reason}', 'the body "schema" is not a valid JSON Schema: {reason}'],
  'manifest.schema_unknown_keyword': ['未知的关键字 "{keyword}"', 'unknown keyword "{keyword}"'],
  'manifest.schema_problem': ['{path} {problem}', '{path} {problem}'],
  'manifest.schema_other': ['ajv 提示「{reason}」', '{reason}'],
  'manifest.schema_remark': ['JSON Schema 提示「{remark}」', '{remark}'],
  'manifest.schema_missing_type': [
    '使用了关键字 "{keyword}" 却没有声明对应的 type "{type}"（位置 {at}）',
    'the keyword "{keyword}" is used without the type "{type}" it applies to (at {at})',
  ],
  'manifest.default_refused': [
    '字段 "{name}" 的默认值 {value} 不符合它自己的规则（{reason}）；请修改默认值或规则',
    'field "{name}" has the default {value}, which its own rules refuse ({reason}); change the default or the rule',
  ],
  // Mappings (check-mappings.ts).
  'mapping.node': ['节点 "{id}"（"{title}"，{class}）', 'node "{id}" ({title}, {class})'],
  'mapping.node_untitled': ['节点 "{id}"（{class}）', 'node "{id}" ({class})'],
  'mapping.no_node': ['字段 "{name}" 映射到节点 "{ref}"，但{reason}', 'field "{name}" maps to node "{ref}", but {reason}'],
  'mapping.title_ambiguous': [
    '有多个节点的标题是 "{ref}"（{ids}）；请改用节点 ID',
    'several nodes have the title "{ref}" ({ids}); name the node by its id instead',
  ],
  'mapping.node_unknown': [
    '工作流中没有 ID 或标题为 "{ref}" 的节点{hint}（节点: {nodes}）',
    'the workflow has no node with the id or title "{ref}"{hint} (nodes: {nodes})',
  ],
  'mapping.nodes_more': [' …（共 {count} 个）', ' … ({count} in all)'],
  'mapping.no_input': [
    '字段 "{name}" 映射到{node}的输入 "{input}"，但该节点没有输入 "{input}"{hint}',
    'field "{name}" maps to input "{input}" of {node}, but that node has no input "{input}"{hint}',
  ],
  'mapping.hint_inputs': ['（输入: {inputs}）', ' (inputs: {inputs})'],
  'mapping.link': [
    '字段 "{name}" 会替换{node}的输入 "{input}"，而它连接着节点 "{from}" 的输出 {slot}；如果确实要断开这条连接，请给该字段加上 "overwrite_link: true"',
    'field "{name}" would replace input "{input}" of {node}, which is connected to output {slot} of node "{from}"; add "overwrite_link: true" to the field if cutting that connection is intended',
  ],
  'mapping.type_mismatch': [
    '字段 "{name}" {mismatch}，但{node}的输入 "{input}" 中是{kind}（{value}）',
    'field "{name}" {mismatch}, but input "{input}" of {node} holds {kind} ({value})',
  ],
  'mapping.has_type': ['的类型是 {types}', 'has type {types}'],
  'mapping.has_default': ['的默认值是{kind}（{value}）', 'has a default of {kind} ({value})'],
  'mapping.output_missing': ['输出 "{ref}" 不在工作流中: {reason}', 'output "{ref}" is not in the workflow: {reason}'],
  'value.text': ['文本', 'text'],
  'value.number': ['数字', 'a number'],
  'value.boolean': ['true/false', 'true/false'],
  'value.null': ['null', 'null'],
  'value.list': ['列表', 'a list'],
  'value.object': ['对象', 'an object'],
  // A live ComfyUI's /object_info (check-object-info.ts): warnings.
  'comfy.class_missing': [
    '{node}使用了节点类型 "{class}"，但所连接的 ComfyUI 没有该类型（缺少自定义节点？）',
    '{node} uses the node type "{class}", which the connected ComfyUI does not have (a missing custom node?)',
  ],
  'comfy.input_unknown': [
    '字段 "{name}" 映射到{node}的输入 "{input}"，但所连接的 ComfyUI 不认识这个输入（输入: {inputs}）',
    'field "{name}" maps to input "{input}" of {node}, which the connected ComfyUI does not know (inputs: {inputs})',
  ],
  'comfy.field_default': [
    '字段 "{name}" 的默认值 {value} 用于{node}的输入 "{input}"，但{problem}',
    'field "{name}" defaults to {value} for input "{input}" of {node}, but {problem}',
  ],
  'comfy.set_value': [
    '"set" 为{node}的输入 "{input}" 设置了 {value}，但{problem}',
    '"set" gives {value} for input "{input}" of {node}, but {problem}',
  ],
  'comfy.workflow_value': [
    '工作流为{node}的输入 "{input}" 设置了 {value}，但{problem}',
    'the workflow sets {value} for input "{input}" of {node}, but {problem}',
  ],
  'comfy.no_choices': [
    '所连接的 ComfyUI 在此处没有可选值（模型或文件是否已安装？）',
    'the connected ComfyUI offers no choices there (is the model or file installed?)',
  ],
  'comfy.only_offers': ['所连接的 ComfyUI 只提供: {choices}', 'the connected ComfyUI only offers: {choices}'],
  'comfy.minimum': ['该节点的最小值是 {min}', 'the node\'s minimum is {min}'],
  'comfy.maximum': ['该节点的最大值是 {max}', 'the node\'s maximum is {max}'],
  'comfy.enum_extra': [
    '字段 "{name}" 提供了 {values}，但{node}不接受（可选值: {choices}）',
    'field "{name}" offers {values}, which {node} does not accept (choices: {choices})',
  ],
  // npm run check (scripts/check-scenarios.ts).
  'check.error': ['错误', 'error  '],
  'check.warning': ['警告', 'warning'],
  'check.summary': [
    '共 {total} 个清单: {loaded} 个已加载（其中 {warned} 个有警告），{drafts} 个草稿未上线，{failed} 个失败；{how}',
    '{total} manifest(s): {loaded} loaded ({warned} with warnings), {drafts} draft(s) not served, {failed} failed; {how}',
  ],
  'check.live': ['已对照 {address} 的 ComfyUI 检查', 'checked against the ComfyUI at {address}'],
  'check.offline': ['{address} 没有 ComfyUI 应答，仅做了离线检查', 'no ComfyUI answered at {address}, checked offline'],
} satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof catalogue;

export const YAML_CODE_KEYS = Object.keys(catalogue).filter((key) => key.startsWith('yaml.'));

/** A locale bound once (at start-up, or per request): code that writes messages takes one of these. */
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(locale: Locale): Translate {
  return (key, params) => translate(locale, key, params);
}

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogue[key][locale === 'en' ? 1 : 0];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name] as string | number | Message;
    return typeof value === 'object' ? translate(locale, value.key, value.params) : String(value);
  });
}

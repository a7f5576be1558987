// The core routes (workflows, queue, images): their reasons, and the names of what was not found.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const coreRouteMessages = {
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
  'state.running': ['运行', 'running'],
  'state.pending': ['排队', 'pending'],
} satisfies Record<string, readonly [string, string]>;

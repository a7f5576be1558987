// Image inputs of scenarios and workflows: data URLs, base64, uploads in a form and fetched URLs.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const imageInputMessages = {
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
  'reason.inline_too_large': ['{field} 的 {limit} 字节（limits.upload_bytes）', '{limit} bytes (limits.upload_bytes) for {field}'],
  'reason.fetch_not_url': ['不是合法的 URL', 'not a valid URL'],
  'reason.fetch_credentials': ['URL 中的用户名和密码不会被发送', 'user names and passwords in URLs are not sent'],
  'reason.fetch_unresolved': ['无法解析 {host}: {reason}', 'cannot resolve {host}: {reason}'],
  'reason.fetch_no_address': ['{host} 没有地址', '{host} has no address'],
} satisfies Record<string, readonly [string, string]>;

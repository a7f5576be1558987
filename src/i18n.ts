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

  // Errors: one per catalogue code, plus the specific reasons.
  'error.bad_request': ['请求参数验证失败: {reason}', 'Invalid request parameters: {reason}'],
  'error.invalid_json': ['请求体不是合法的 JSON: {reason}', 'The request body is not valid JSON: {reason}'],
  'error.unauthorized': ['缺少或错误的 API 密钥', 'Missing or wrong API key'],
  'error.forbidden': ['无权访问: {reason}', 'Not allowed: {reason}'],
  'error.not_found': ['资源不存在: {what}', 'Not found: {what}'],
  'error.route_not_found': ['接口不存在: {method} {path}', 'No such route: {method} {path}'],
  'error.too_large': ['请求体过大（上限 {limit}）', 'Request body too large (limit {limit})'],
  'error.rate_limited': ['请求过于频繁，请 {seconds} 秒后重试', 'Too many requests; retry in {seconds} s'],
  'error.internal': ['服务器内部错误（请求 ID {requestId}）', 'Internal server error (request id {requestId})'],
  'error.upstream': ['ComfyUI 连接失败: {address} ({reason})', 'ComfyUI unreachable: {address} ({reason})'],
  'error.upstream_bad_answer': [
    'ComfyUI 返回了无法识别的响应: {address} ({reason})',
    'ComfyUI answered something unusable: {address} ({reason})',
  ],
  'error.workflow_rejected': ['工作流验证失败: {reason}', 'ComfyUI rejected the workflow: {reason}'],
  'error.file': ['文件操作错误: {reason}', 'File operation failed: {reason}'],
} satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof catalogue;

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogue[key][locale === 'en' ? 1 : 0];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

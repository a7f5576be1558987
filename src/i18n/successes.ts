// What a successful call says.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const successMessages = {
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
} satisfies Record<string, readonly [string, string]>;

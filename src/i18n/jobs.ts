// A job's life: its state, why it failed, how a caller waits for it.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const jobMessages = {
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
} satisfies Record<string, readonly [string, string]>;

// The console's words in English and Chinese. The language is the one chosen in the header, else the browser's
// (when it is one of these), else the gateway's own (the page carries it).
const en = {
  'nav.overview': 'Overview',
  'nav.scenarios': 'Scenarios',
  'nav.jobs': 'Jobs',
  'nav.backends': 'Backends',
  'auth.off': 'Authentication is off: anyone who can reach this gateway sees and manages every job.',
  'auth.ask': 'This gateway needs an API key.',
  'auth.key': 'API key',
  'auth.use': 'Use key',
  'auth.forget': 'Forget key',
  'auth.kept': 'The key is kept for this tab only.',
  'auth.as': 'Key',
  'auth.admin': 'admin: sees every caller\'s jobs',
  'auth.caller': 'caller: sees its own jobs',
  'auth.scenarios': 'may run',
  'live.on': 'live',
  'live.off': 'reconnecting…',
  'overview.backends': 'Backends',
  'overview.queue': 'Gateway queue',
  'overview.rate': 'Jobs per minute',
  'overview.running': 'Running',
  'overview.failures': 'Recent failures',
  'overview.none': 'None',
  'backend.up': 'up',
  'backend.down': 'down',
  'backend.draining': 'draining',
  'backend.running': 'running',
  'backend.waiting': 'waiting',
  'backend.slots': 'slots',
  'backend.device': 'device',
  'backend.nodes': 'nodes',
  'backend.models': 'models',
  'backend.drain': 'Drain',
  'backend.resume': 'Resume',
  'backend.single': 'One ComfyUI (this gateway has no backend pool): read from /health.',
  'backend.admin_only': 'Draining and resuming need an admin key.',
  'backend.last_error': 'last error',
  'scenario.status': 'Status',
  'scenario.version': 'Version',
  'scenario.file': 'File',
  'scenario.serving': 'still serving version',
  'scenario.fields': 'Fields',
  'scenario.rules': 'Rules',
  'scenario.to': 'Goes to',
  'scenario.try': 'Try it',
  'scenario.submit': 'Run',
  'scenario.running': 'Submitted',
  'scenario.not_served': 'This scenario is not served; fix the problem above.',
  'field.upload': 'Upload',
  'field.paste': 'or paste an image here (Ctrl+V)',
  'field.url': 'or an image URL / input file name',
  'field.pasted': 'pasted image',
  'jobs.filter': 'Filter',
  'jobs.all': 'all',
  'jobs.scenario': 'Scenario',
  'jobs.status': 'Status',
  'jobs.caller': 'Caller',
  'jobs.backend': 'Backend',
  'jobs.submitted': 'Submitted',
  'jobs.progress': 'Progress',
  'jobs.empty': 'No jobs yet.',
  'job.timeline': 'Timeline',
  'job.outputs': 'Outputs',
  'job.error': 'Error',
  'job.cancel': 'Cancel',
  'job.submitted': 'submitted',
  'job.dispatched': 'dispatched to',
  'job.started': 'started',
  'job.node': 'node',
  'job.finished': 'finished',
  'job.attempts': 'attempts',
  'job.queue_position': 'queue position',
  'common.loading': 'Loading…',
  'common.error': 'Error',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'nav.overview': '概览',
  'nav.scenarios': '场景',
  'nav.jobs': '任务',
  'nav.backends': '后端',
  'auth.off': '未启用认证：任何能访问本网关的人都能查看和管理所有任务。',
  'auth.ask': '此网关需要 API 密钥。',
  'auth.key': 'API 密钥',
  'auth.use': '使用密钥',
  'auth.forget': '清除密钥',
  'auth.kept': '密钥只保存在当前标签页。',
  'auth.as': '密钥',
  'auth.admin': '管理员：可查看所有调用方的任务',
  'auth.caller': '调用方：只能查看自己的任务',
  'auth.scenarios': '可运行',
  'live.on': '实时',
  'live.off': '重新连接中…',
  'overview.backends': '后端',
  'overview.queue': '网关队列',
  'overview.rate': '每分钟任务数',
  'overview.running': '运行中',
  'overview.failures': '最近失败',
  'overview.none': '无',
  'backend.up': '在线',
  'backend.down': '离线',
  'backend.draining': '排空中',
  'backend.running': '运行',
  'backend.waiting': '等待',
  'backend.slots': '槽位',
  'backend.device': '设备',
  'backend.nodes': '节点',
  'backend.models': '模型',
  'backend.drain': '排空',
  'backend.resume': '恢复',
  'backend.single': '单个 ComfyUI（本网关没有后端池）：信息来自 /health。',
  'backend.admin_only': '排空和恢复需要管理员密钥。',
  'backend.last_error': '最近错误',
  'scenario.status': '状态',
  'scenario.version': '版本',
  'scenario.file': '文件',
  'scenario.serving': '仍在服务的版本',
  'scenario.fields': '字段',
  'scenario.rules': '规则',
  'scenario.to': '映射到',
  'scenario.try': '试运行',
  'scenario.submit': '运行',
  'scenario.running': '已提交',
  'scenario.not_served': '该场景未在服务，请先修复上面的问题。',
  'field.upload': '上传',
  'field.paste': '或在此粘贴图片（Ctrl+V）',
  'field.url': '或图片 URL / input 目录中的文件名',
  'field.pasted': '已粘贴的图片',
  'jobs.filter': '筛选',
  'jobs.all': '全部',
  'jobs.scenario': '场景',
  'jobs.status': '状态',
  'jobs.caller': '调用方',
  'jobs.backend': '后端',
  'jobs.submitted': '提交时间',
  'jobs.progress': '进度',
  'jobs.empty': '还没有任务。',
  'job.timeline': '时间线',
  'job.outputs': '输出',
  'job.error': '错误',
  'job.cancel': '取消',
  'job.submitted': '已提交',
  'job.dispatched': '已分派到',
  'job.started': '开始',
  'job.node': '节点',
  'job.finished': '结束',
  'job.attempts': '尝试次数',
  'job.queue_position': '队列位置',
  'common.loading': '加载中…',
  'common.error': '错误',
};

export type Locale = 'en' | 'zh-CN';
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zh };
const LOCALE_ITEM = 'gateway.locale';

function known(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  if (tag.toLowerCase().startsWith('zh')) return 'zh-CN';
  if (tag.toLowerCase().startsWith('en')) return 'en';
  return undefined;
}

export function initialLocale(): Locale {
  const chosen = known(localStorage.getItem(LOCALE_ITEM));
  if (chosen) return chosen;
  for (const tag of navigator.languages ?? []) {
    const found = known(tag);
    if (found) return found;
  }
  return known(document.documentElement.dataset.gatewayLocale) ?? 'en';
}

export function rememberLocale(locale: Locale): void {
  localStorage.setItem(LOCALE_ITEM, locale);
}

export type Translate = (key: MessageKey) => string;
export const translator = (locale: Locale): Translate => (key) => catalogues[locale][key];

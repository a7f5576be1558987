// Loading a scenario manifest and its workflow file.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const manifestMessages = {
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
} satisfies Record<string, readonly [string, string]>;

// A scenario checked against its workflow and a live ComfyUI: set blocks, field schemas, mappings, /object_info,
// and the summary of npm run check.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const scenarioCheckMessages = {
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

// The yaml library's error codes.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const yamlErrorMessages = {
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
} satisfies Record<string, readonly [string, string]>;

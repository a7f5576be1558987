// Validation of what a caller sends.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const validationMessages = {
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
} satisfies Record<string, readonly [string, string]>;

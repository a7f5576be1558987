// What a job produced: conversion of its outputs and their delivery.
// Part of the message catalogue (src/i18n/catalogue.ts): key → [zh-CN, en], `{name}` a parameter.

export const outputMessages = {
  // Output conversion (src/outputs/convert-options.ts).
  'reason.convert_format': [
    'format 只能是 {formats} 之一，收到 "{value}"',
    'format must be one of {formats}, got "{value}"',
  ],
  'reason.convert_number': [
    '{name} 须为 1 到 {max} 之间的整数，收到 "{value}"',
    '{name} must be a whole number from 1 to {max}, got "{value}"',
  ],
  'reason.convert_without_format': [
    'quality 和 max_side 只在转换时有效：请同时给出 format（webp、jpeg、png 或 avif）',
    'quality and max_side only apply to a conversion: add format (webp, jpeg, png or avif)',
  ],
  'reason.deliver_unknown': [
    '没有配置名为 {names} 的输出目的地（outputs.sinks）；已配置：{known}',
    'No output sink named {names} is configured (outputs.sinks); configured: {known}',
  ],
  'reason.put_url_off': [
    'put_url 未启用：请在 gateway.yaml 中设置 outputs.put.enabled: true',
    'put_url is off: set outputs.put.enabled: true in gateway.yaml',
  ],
  'reason.put_url': ['put_url "{url}" 不可用：{reason}', 'put_url "{url}" cannot be used: {reason}'],
  'reason.convert_not_offered': [
    '场景 {name} 没有声明图片输出（manifest 的 outputs.kinds），不能用 format 转换',
    'Scenario {name} declares no picture outputs (outputs.kinds in its manifest), so format cannot convert anything',
  ],
  'reason.convert_source': [
    '只有图片可以转换格式，{name} 不是图片',
    'Only pictures can be converted; {name} is not one',
  ],
} satisfies Record<string, readonly [string, string]>;

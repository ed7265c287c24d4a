import { BROKER_CONFIGS, describeTopicConfig, formatValue } from '../../config/index.js';
import { brokerSourceCode, ConfigSource, ResourceType, topicSourceCode, typeCode } from '../config-view.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';

/** v0-4: topic and broker resources, with synonyms (v1+) and documentation (v3+). */
export const describeConfigs = defineHandler({
  apiKey: 32,
  advertised: { min: 0, max: 4 },
  accepts: { min: 0, max: 4 },
  handle(ctx, req) {
    const { broker } = ctx;
    const config = broker.config;
    const results = req.resources.map((res) => {
      const wanted = res.configurationKeys === null || res.configurationKeys.length === 0 ? null : new Set(res.configurationKeys);
      const base = { resourceType: res.resourceType, resourceName: res.resourceName, errorMessage: null };
      if (res.resourceType === ResourceType.TOPIC) {
        const topic = broker.controller.topic(res.resourceName);
        if (topic === undefined) return { ...base, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `Topic ${res.resourceName} does not exist`, configs: [] };
        const entries = describeTopicConfig(config, new Map(Object.entries(topic.configs))).filter((e) => wanted === null || wanted.has(e.name));
        return {
          ...base,
          errorCode: 0,
          configs: entries.map((e) => {
            const source = topicSourceCode(e);
            const synonyms = [];
            if (req.includeSynonyms) {
              if (e.source === 'topic') synonyms.push({ name: e.name, value: e.value, source });
              const brokerSource = config.topicDefaultSource(e.def);
              if (brokerSource !== 'default') synonyms.push({ name: e.brokerName, value: formatValue(e.def, config.topicDefault(e.def)), source: brokerSourceCode(brokerSource) });
              synonyms.push({ name: e.brokerName, value: formatValue(e.def, e.def.default), source: ConfigSource.DEFAULT_CONFIG });
            }
            return {
              name: e.name,
              value: e.value,
              readOnly: false,
              isDefault: ctx.header.apiVersion === 0 && e.source === 'default',
              configSource: source,
              isSensitive: false,
              synonyms,
              configType: typeCode(e.def),
              documentation: req.includeDocumentation ? e.def.doc : null,
            };
          }),
        };
      }
      if (res.resourceType === ResourceType.BROKER) {
        if (res.resourceName !== '' && res.resourceName !== String(broker.brokerId)) {
          return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Unexpected broker id, expected ${broker.brokerId} or empty string, but received ${res.resourceName}`, configs: [] };
        }
        const configs = [];
        for (const def of BROKER_CONFIGS.values()) {
          if (wanted !== null && !wanted.has(def.name)) continue;
          const source = config.source(def.name);
          const value = formatValue(def, config.get(def.name));
          configs.push({
            name: def.name,
            value,
            readOnly: !def.dynamic,
            isDefault: ctx.header.apiVersion === 0 && source === 'default',
            configSource: brokerSourceCode(source),
            isSensitive: def.type === 'password',
            synonyms: req.includeSynonyms ? [{ name: def.name, value, source: brokerSourceCode(source) }] : [],
            configType: typeCode(def),
            documentation: req.includeDocumentation ? def.doc : null,
          });
        }
        return { ...base, errorCode: 0, configs };
      }
      return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Unsupported resource type ${res.resourceType}`, configs: [] };
    });
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (req, errorCode, message) => ({
    results: req.resources.map((r) => ({ errorCode, errorMessage: message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })),
  }),
});

export { BrokerConfig, parseListener, type Listener, type ConfigWarning, type ConfigSourceName } from './broker-config.js';
export { BROKER_CONFIGS, TOPIC_CONFIGS, LONG_MAX, type ConfigDef, type ConfigValue, type ConfigType } from './definitions.js';
export { ConfigError, parseValue, formatValue, dottedName, propertyName, rangeOf, type ConfigLevel } from './parse.js';
export { parseProperties } from './properties-file.js';
export { validateTopicOverrides, describeTopicConfig, logPolicy, type LogPolicy, type TopicConfigEntry } from './topic-config.js';
export { parseHttpListener } from './http-listener.js';

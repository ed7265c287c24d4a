/** Broker processes for the torture suites: the library's launcher. */
export * from '../../../cluster/local/broker-process.js';

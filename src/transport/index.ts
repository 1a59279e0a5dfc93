// Transport adapters: MQTT-semantics pub/sub (memory, MQTT.js over aedes or Mosquitto) and the
// durable work queue (memory, NATS JetStream), behind the ports in src/core/ports.ts.
export { mqttTopicMatches, isValidMqttFilter, isValidMqttTopic } from './mqtt-topic.ts';
export { natsSubjectMatches, isValidNatsSubject } from './nats-subject.ts';
export { createMemoryTransport, createMemoryBroker, type MemoryBroker, type MemoryTransport } from './memory-transport.ts';
export { createMemoryQueue, type MemoryQueue, type MemoryQueueConfig } from './memory-queue.ts';
export { createMqttTransport, type MqttTransport, type MqttTransportConfig } from './mqtt-transport.ts';
export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerConfig, type BrokerTlsConfig } from './embedded-broker.ts';
export { brokerUserSchema, grantsFor, mayPublish, maySubscribe, BROKER_ROLES, type BrokerUser, type BrokerRole, type TopicGrants } from './broker-acl.ts';
export { hashPassword, verifyPassword } from './password-hash.ts';
export { loadBrokerUsers, generateBrokerUsers, readPemFiles, type BrokerLogin, type GeneratedBrokerUsers } from './broker-credentials.ts';
export { createJetStreamQueue, type JetStreamQueue, type JetStreamQueueConfig } from './jetstream-queue.ts';
export { createEnterpriseHttpClient, type EnterpriseHttpClient } from './enterprise-http.ts';
export { namespacedQueue } from './namespaced-queue.ts';

#!/bin/sh
# Formats KRaft storage on first start, runs the broker, creates the topics of $KAFKA_TOPICS_FILE
# (lines "name partitions retention.ms"; the chart mounts the event kit's topic list), and only then
# reports ready (/tmp/kafka-ready), so clients never meet a missing topic: the broker does not
# auto-create topics, and the Service has no endpoints until this pod is ready.
# Listeners: CLIENT (9092) advertised as $KAFKA_ADVERTISED_HOST for the other pods, LOCAL (9094) on
# loopback for this script's own admin calls (the Service does not route to a pod that is not ready yet).
set -eu
: "${KAFKA_ADVERTISED_HOST:?set it to the Service name clients use}"
DATA=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
CONF=/tmp/server.properties
READY=/tmp/kafka-ready
LIB=/opt/kafka/lib
rm -f "$READY"
run_java() {
  java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -XX:-UsePerfData -Djava.awt.headless=true \
    -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -Dkafka.logs.dir=/tmp/kafka-logs -cp "$LIB/*" "$@"
}
cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:9093
listeners=CLIENT://0.0.0.0:9092,LOCAL://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093
advertised.listeners=CLIENT://${KAFKA_ADVERTISED_HOST}:9092,LOCAL://127.0.0.1:9094
controller.listener.names=CONTROLLER
inter.broker.listener.name=LOCAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,CLIENT:PLAINTEXT,LOCAL:PLAINTEXT
log.dirs=$DATA
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
if [ ! -f "$DATA/meta.properties" ]; then
  id=$(run_java kafka.tools.StorageTool random-uuid | tail -n 1)
  run_java kafka.tools.StorageTool format --standalone -t "$id" -c "$CONF" >/dev/null
  echo "kafka: formatted $DATA (cluster $id)"
fi
run_java kafka.Kafka "$CONF" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT
topics() { run_java org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9094 "$@"; }
until topics --list >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit $?; }
  sleep 2
done
if [ -n "${KAFKA_TOPICS_FILE:-}" ]; then
  existing=$(topics --list)
  while read -r name partitions retention; do
    [ -n "$name" ] || continue
    if printf '%s\n' "$existing" | grep -qx "$name"; then continue; fi
    topics --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor 1 \
      --config "retention.ms=$retention" >/dev/null
    echo "kafka: created topic $name ($partitions partitions)"
  done <"$KAFKA_TOPICS_FILE"
fi
touch "$READY"
echo "kafka: ready on ${KAFKA_ADVERTISED_HOST}:9092"
# wait returns early when the trap fires; keep waiting until the broker has really stopped.
status=0
while kill -0 "$pid" 2>/dev/null; do
  if wait "$pid"; then status=0; else status=$?; fi
done
exit "$status"

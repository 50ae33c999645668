#!/bin/sh
# /usr/bin/pointsman: runs Pointsman with the Java found in $JAVA_HOME or on the PATH.
# POINTSMAN_JAVA_OPTS adds JVM options (e.g. -Xmx512m, -Dpointsman.transport=epoll).
set -e
JAVA=java
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
fi
POINTSMAN_LAUNCHER=pointsman
export POINTSMAN_LAUNCHER
# shellcheck disable=SC2086 # POINTSMAN_JAVA_OPTS holds several words on purpose
exec "$JAVA" ${POINTSMAN_JAVA_OPTS:-} -jar /usr/share/pointsman/pointsman.jar "$@"

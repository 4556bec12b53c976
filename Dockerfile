# syntax=docker/dockerfile:1
# Bollard's image: build the executable jar with the Maven wrapper, run it on a JRE as a
# non-root user. Build from the repository root:
#   docker build -t bollard:0.1.0 .
# The Helm chart (helm/) runs this image by default (image.repository: bollard).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# The POMs and the wrapper first: the dependency download stays cached while sources change.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY proxy-core/pom.xml proxy-core/
COPY auth/pom.xml auth/
COPY acme/pom.xml acme/
COPY ingress-controller/pom.xml ingress-controller/
COPY bench/pom.xml bench/
COPY proxy-core/src/ proxy-core/src/
COPY auth/src/ auth/src/
COPY acme/src/ acme/src/
COPY ingress-controller/src/ ingress-controller/src/
# Tests run in CI (./mvnw -B test), not in the image build.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -q -B -DskipTests -pl ingress-controller -am package \
 && cp ingress-controller/target/bollard.jar /bollard.jar

FROM eclipse-temurin:17-jre
# A fixed numeric user, so that runAsNonRoot can verify it (the chart runs as 10001 too).
RUN groupadd --system --gid 10001 bollard \
 && useradd --system --uid 10001 --gid bollard --no-create-home --shell /usr/sbin/nologin bollard
COPY --from=build --chown=root:root --chmod=0444 /bollard.jar /opt/bollard/bollard.jar
COPY --chown=root:root examples/ /opt/bollard/examples/
# The JVM settings of every start, in one file that the training run below and the entrypoint
# both read (`java @file`): an archive serves only a JVM started with settings like those it was
# written with. Chosen by measurement (docs/benchmarks.md, "Start-up", 2026-12-06 afternoon):
#   -XX:+UseSerialGC            one young collection on the loop's own core costs less than G1's
#                               barriers and its ~50 MiB of remembered sets and bitmaps; the same
#                               collector the JVM picks by itself in a pod of one CPU
#   -Xms16m                     start small: the heap grows to what the load needs, up to
#   -XX:MaxRAMPercentage=75     a share of the container's memory limit (not the node's)
#   -XX:TrimNativeHeapInterval=2000  give back to the system, every 2 s, the native memory the
#                               JIT compilers freed (malloc keeps it otherwise): 10 to 18 MiB of
#                               RSS seconds after start; every 5 s left it resident until about
#                               12 s after start (docs/benchmarks.md, "Idle RSS under 120 MiB")
#   -XX:CompileThresholdScaling=2  compile later: less JIT work while starting, same code once warm
#   -XX:+ExitOnOutOfMemoryError die on OOM instead of limping on
#   -XX:-UsePerfData            no hsperfdata file (the chart's root filesystem is read-only)
#   -Djava.io.tmpdir=/tmp       the one writable directory (an emptyDir in the chart)
# The collector is fixed here: a JAVA_TOOL_OPTIONS naming another one makes the JVM refuse to start
# ("conflicting collector combinations"); override the container's command to change it.
COPY <<'EOF' /opt/bollard/jvm.options
-XX:+UseSerialGC
-Xms16m
-XX:MaxRAMPercentage=75
-XX:TrimNativeHeapInterval=2000
-XX:CompileThresholdScaling=2
-XX:+ExitOnOutOfMemoryError
-XX:-UsePerfData
-Djava.io.tmpdir=/tmp
EOF
# glibc's malloc makes an arena per thread that allocates (up to 8 per core); two are plenty for
# the JVM's few native allocators and keep idle RSS lower.
ENV MALLOC_ARENA_MAX=2
# AppCDS: a training run on the bundled examples (start, /readyz 200, one proxied request, SIGTERM)
# writes the classes it loaded, parsed and verified to a dynamic archive that every start then maps
# instead of loading them from the jar (see docs/benchmarks.md, "Start-up"). The archive is tied to
# this JVM and this jar (path, size and time): build both in this image, never copy it elsewhere. A
# start with other options (say other heap settings through JAVA_TOOL_OPTIONS) that cannot use it
# says so in a warning and runs without it. Picocli's Java 5 classes cannot be archived: those
# warnings are expected.
RUN [ -f "$JAVA_HOME/lib/server/classes.jsa" ] || java -Xshare:dump
RUN bash -c 'set -u; \
  java @/opt/bollard/jvm.options -XX:ArchiveClassesAtExit=/opt/bollard/bollard.jsa \
    -jar /opt/bollard/bollard.jar run --manifests /opt/bollard/examples --access-log off \
    --with-echo-backend 127.0.0.1:9000 --listen 127.0.0.1:8080 --https-listen 127.0.0.1:8443 \
    --admin-listen 127.0.0.1:8081 > /tmp/cds-training.log 2>&1 & pid=$!; \
  for i in $(seq 1 900); do \
    if (exec 3<>/dev/tcp/127.0.0.1/8081 && printf "GET /readyz HTTP/1.0\r\n\r\n" >&3 \
        && head -c 12 <&3 | grep -q " 200") 2>/dev/null; then break; fi; \
    sleep 0.2; \
  done; \
  (exec 3<>/dev/tcp/127.0.0.1/8080 \
    && printf "GET /hello HTTP/1.1\r\nHost: demo.localhost\r\nConnection: close\r\n\r\n" >&3 \
    && cat <&3 > /dev/null); \
  kill -TERM $pid; wait $pid; \
  test -s /opt/bollard/bollard.jsa || { cat /tmp/cds-training.log; exit 1; }; \
  chmod 0444 /opt/bollard/bollard.jsa; rm -f /tmp/cds-training.log'
USER 10001:10001
# 8080 proxy (HTTP), 8443 proxy (HTTPS), 8081 admin (/healthz, /readyz, /status, /metrics).
# Unprivileged ports: the Kubernetes Service maps 80 and 443 to them.
EXPOSE 8080 8443 8081
# The settings above and the AppCDS archive of the training run. More JVM options:
# JAVA_TOOL_OPTIONS (the chart's jvm.options).
ENTRYPOINT ["java", "@/opt/bollard/jvm.options", \
  "-XX:SharedArchiveFile=/opt/bollard/bollard.jsa", \
  "-jar", "/opt/bollard/bollard.jar"]
CMD ["--help"]

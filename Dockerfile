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
USER 10001:10001
# 8080 proxy (HTTP), 8443 proxy (HTTPS), 8081 admin (/healthz, /readyz, /status, /metrics).
# Unprivileged ports: the Kubernetes Service maps 80 and 443 to them.
EXPOSE 8080 8443 8081
# Container-aware heap (a share of the memory limit, not of the node), die on OOM instead of
# limping on, no hsperfdata file (the chart's root filesystem is read-only; /tmp is an
# emptyDir). More JVM options: JAVA_TOOL_OPTIONS (the chart's jvm.options).
ENTRYPOINT ["java", \
  "-XX:MaxRAMPercentage=75", \
  "-XX:+ExitOnOutOfMemoryError", \
  "-XX:-UsePerfData", \
  "-Djava.io.tmpdir=/tmp", \
  "-jar", "/opt/bollard/bollard.jar"]
CMD ["--help"]

# Aggregator as a container: build on the SDK image, run self-contained on the runtime-deps image.
#   docker build -t aggregator .
#   docker run -p 8080:8080 -v aggregator-data:/data aggregator
# Without a Docker engine: buildah bud --isolation chroot --format docker -t aggregator . (tests/container/smoke.sh;
# without --format docker the OCI format drops the HEALTHCHECK).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Publish for the image's architecture only, without the native libraries of twenty other
# platforms. BuildKit sets TARGETARCH (amd64, arm64); older builders do not, and then the build
# machine's own architecture (the same names, from dpkg) is used.
ARG TARGETARCH
WORKDIR /src
# The restore is its own layer, keyed on the project and package files only: a code change
# reuses it and does not download packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Aggregator/Aggregator.csproj src/Aggregator/
# Self-contained, the framework and the service compiled ahead of time as one composite image:
# a poll cycle starts on compiled code instead of JIT-compiling it (src/Aggregator/Aggregator.csproj).
ARG PUBLISH_FLAGS="-p:SelfContained=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true"
RUN dotnet restore src/Aggregator/Aggregator.csproj -a "${TARGETARCH:-$(dpkg --print-architecture)}" $PUBLISH_FLAGS
COPY src/ src/
RUN dotnet publish src/Aggregator/Aggregator.csproj -c Release -a "${TARGETARCH:-$(dpkg --print-architecture)}" \
        $PUBLISH_FLAGS -o /app --no-restore

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app ./
# /app/config is the configuration (aggregator.json, topics.json, feeds.opml): mount your own
# folder over it, or override single keys with environment variables (Aggregator__Section__Key).
COPY config/ config/
COPY seeds/ seeds/
# ICU stays on: normalizing CJK text (NFKC, case folding) and the language and script checks need it.
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false \
    ASPNETCORE_HTTP_PORTS=8080
# The database lives in /data, owned by the unprivileged user the service runs as; every
# command finds it there (AGGREGATOR_DATA is --data's default), also one run with docker exec.
ENV AGGREGATOR_DATA=/data
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
VOLUME /data
EXPOSE 8080
# The runtime image has no curl: the program asks its own /readyz.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["/app/aggregator", "healthcheck"]
# SIGTERM (docker stop): Quartz stops, running jobs are cancelled and their transactions end;
# allow it the 25 s the service takes at most (docker stop -t 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/aggregator"]
CMD ["serve", "--data", "/data"]
